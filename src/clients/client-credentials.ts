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
/** A chosen secret: RFC 6749 Appendix A.2 VSCHARs, at least as many characters as a generated one has bytes. */
const CHOSEN_SECRET = /^[\x20-\x7e]{32,512}$/;

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
  if (CHOSEN_SECRET.test(clientSecret)) return undefined;
  return 'must be 32-512 printable ASCII characters (RFC 6749 Appendix A.2)';
}
