// Server-provided DPoP nonces (RFC 9449 §8): stateless, an HMAC of a time window under a key every instance derives alike.
import type { MessageAuthentication } from './keys/message-authentication.js';

/** The HKDF purpose of the nonce key (src/tokens/keys/message-authentication.ts). */
export const DPOP_NONCE_PURPOSE = 'dpop nonce v1';

/**
 * Nonces for windows of `lifetime` seconds: `<window>.<HMAC of window>`. The current window's nonce is handed out;
 * the current and the previous window's are accepted, so a nonce stays good for between one and two lifetimes and
 * any instance accepts another's.
 */
export class DpopNonces {
  constructor(
    private readonly signatures: MessageAuthentication,
    /** Seconds. */
    private readonly lifetime: number,
  ) {}

  /** The nonce to send in `DPoP-Nonce` now. */
  issue(now: number): string {
    const window = String(Math.floor(now / this.lifetime));
    return `${window}.${this.signatures.sign(window)}`;
  }

  /** Whether `nonce` is one this server issued in the current or the previous window. */
  accepts(nonce: string | undefined, now: number): boolean {
    if (nonce === undefined) return false;
    const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(nonce);
    if (match === null) return false;
    const [, window, signature] = match as unknown as [string, string, string];
    const age = Math.floor(now / this.lifetime) - Number(window);
    return (age === 0 || age === 1) && this.signatures.verify(window, signature);
  }
}
