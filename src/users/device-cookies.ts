// Known devices (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): the signed cookie a browser gets when
// it signs in, naming the account by hash, so later attempts from it are held to the device's count, not the account's.
import { generateOpaqueValue, hashOpaqueValue } from '../tokens/opaque.js';
import type { MessageAuthentication } from '../tokens/keys/message-authentication.js';

/** The HKDF purpose of the device-cookie signing key; changing it invalidates every device cookie. */
export const DEVICE_COOKIE_PURPOSE = 'device cookie v1';

/** 128 random bits: a device id nobody can guess or collide with. */
const NONCE_BYTES = 16;
// `<username hash>.<nonce>.<expires at>.<signature>`: base64url, digits and dots, so always cookie-safe.
const DEVICE_COOKIE_SHAPE = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** Issues and recognises device cookies for `ttl` seconds after each successful login. */
export class DeviceCookies {
  constructor(
    private readonly signatures: MessageAuthentication,
    /** Seconds a new cookie lives: its Max-Age, and the expiry it carries signed. */
    readonly ttl: number,
  ) {}

  /** A new cookie value for the account whose username hashes to `usernameHash`, with a fresh device id. */
  issue(usernameHash: string, now: number): string {
    const payload = `${usernameHash}.${generateOpaqueValue(NONCE_BYTES)}.${now + this.ttl}`;
    return `${payload}.${this.signatures.sign(payload)}`;
  }

  /**
   * The device id (a hash of the cookie's nonce) when `cookie` is a genuine, unexpired device cookie for the
   * account `usernameHash`; undefined for anything else: absent, malformed, forged, expired, or another account's.
   */
  recognise(cookie: string | undefined, usernameHash: string, now: number): string | undefined {
    const match = cookie === undefined ? null : DEVICE_COOKIE_SHAPE.exec(cookie);
    if (match === null) return undefined;
    const [, account, nonce, expiresAt, signature] = match as unknown as [string, string, string, string, string];
    if (account !== usernameHash || Number(expiresAt) <= now) return undefined;
    if (!this.signatures.verify(`${account}.${nonce}.${expiresAt}`, signature)) return undefined;
    return hashOpaqueValue(nonce);
  }
}
