// A client's credentials: the client_id and secret Gatehouse generates, and the ones an operator chooses (`clients apply`).
import { randomBytes } from 'node:crypto';
import { generateOpaqueValue } from '../tokens/opaque.js';
import { InvalidClientMetadata } from './errors.js';

/** RFC 6749 §10.10: 256 bits, far beyond guessing; stored only as its SHA-256. */
const SECRET_BYTES = 32;
/** 128 bits: a client_id is not a secret, but an unguessable one tells nothing about other clients. */
const CLIENT_ID_BYTES = 16;

/**
 * A chosen client_id: RFC 6749 §2.2 leaves its format open; unreserved URI characters (RFC 3986 §2.3) keep it
 * intact in URLs, forms and shells, and a first character other than `-` keeps a command line from reading an option.
 */
const CHOSEN_CLIENT_ID = /^[A-Za-z0-9_][A-Za-z0-9._~-]{0,127}$/;
/**
 * A chosen secret is stored, like a generated one, as a plain SHA-256, which is safe only for values with far more
 * than 128 random bits (SECURITY.md): so it must be what `openssl rand -hex 32` or `-base64 32` prints, 32 random
 * bytes or more as hex (one case) or base64/base64url, at most 512 characters.
 */
const HEX_SECRET = /^(?:[0-9a-f]{2}){32,256}$|^(?:[0-9A-F]{2}){32,256}$/;
const BASE64_SECRET = /^(?:[A-Za-z0-9+/]{43,510}|[A-Za-z0-9_-]{43,510})={0,2}$/;
/**
 * Printed random bytes use their alphabet evenly; a phrase or a typed pattern does not. These floors refuse fewer than
 * one genuine random value in 10^8 (at the shortest length: 64 hex digits show 11 or more distinct ones, 43 base64
 * characters 19 or more and both letter cases), while refusing single-case words, repetitions and hex-looking text.
 */
const MIN_DISTINCT_HEX = 11;
const MIN_DISTINCT_BASE64 = 19;

/**
 * A new client_id: 128 random bits as base64url, never starting with `-`, which a command line would take for an
 * option (`gatehouse clients show -x...`).
 */
export function generateClientId(): string {
  for (;;) {
    const clientId = randomBytes(CLIENT_ID_BYTES).toString('base64url');
    if (!clientId.startsWith('-')) return clientId;
  }
}

/** The chosen secret when it is acceptable, else a generated one when none was chosen. @throws InvalidClientMetadata */
export function secretChosenOrGenerated(chosen: string | undefined): string {
  if (chosen === undefined) return generateOpaqueValue(SECRET_BYTES);
  const problem = describeInvalidSecret(chosen);
  if (problem !== undefined) throw new InvalidClientMetadata('client_secret', problem);
  return chosen;
}

/** @throws InvalidClientMetadata */
export function checkedClientId(clientId: string): string {
  const problem = describeInvalidClientId(clientId);
  if (problem !== undefined) throw new InvalidClientMetadata('client_id', problem);
  return clientId;
}

/** Why a client_id an operator chose cannot be used, or undefined when it can. */
export function describeInvalidClientId(clientId: string): string | undefined {
  if (CHOSEN_CLIENT_ID.test(clientId)) return undefined;
  return 'must be 1-128 characters of A-Z a-z 0-9 . _ ~ -, not starting with "." "~" or "-"';
}

/** Why a secret an operator chose cannot be used, or undefined when it can; never repeats the secret. */
export function describeInvalidSecret(clientSecret: string): string | undefined {
  if (looksRandom(clientSecret)) return undefined;
  return 'must be at least 32 random bytes as hex or base64, as `openssl rand -base64 32` prints (a chosen phrase or pattern is refused)';
}

function looksRandom(secret: string): boolean {
  const distinct = new Set(secret).size;
  if (HEX_SECRET.test(secret)) return distinct >= MIN_DISTINCT_HEX;
  if (!BASE64_SECRET.test(secret)) return false;
  return /[a-z]/.test(secret) && /[A-Z]/.test(secret) && distinct >= MIN_DISTINCT_BASE64;
}
