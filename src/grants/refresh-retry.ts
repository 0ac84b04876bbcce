// The refresh retry window: seals a rotation's response for a benign retry, and tells such a retry from a reuse.
import { createHash } from 'node:crypto';
import type { RefreshRetryResponse, RequestOrigin } from '../store/records.js';
import type { KeyEncryption } from '../tokens/keys/key-encryption.js';
import type { TokenResponse } from './grant.js';

/** The envelope is bound to the rotated token's hash, under a label no signing key id can take. */
const bindingOf = (tokenHash: string): string => `refresh-retry:${tokenHash}`;

/**
 * What a retry must repeat of the request itself: the client, the requested scope and resource, byte for byte, and
 * the DPoP key (RFC 9449 §5), since the stored access token is bound to it.
 */
export function retryFingerprint(clientId: string, requestedScope: string | undefined, resource: string | undefined, dpopJkt: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([clientId, requestedScope ?? null, resource ?? null, dpopJkt ?? null]), 'utf8').digest('base64url');
}

/** A presentation of an already rotated token, as the retry window judges it. */
export interface RetryAttempt {
  readonly fingerprint: string;
  readonly origin: RequestOrigin;
}

/** What the first rotation left on the token: its stored response (if kept) and where it came from. */
export interface FirstRotation {
  readonly retry: RefreshRetryResponse | null;
  readonly firstUse: RequestOrigin;
}

/** The same IP and the same User-Agent, exactly (an absent one matches only an absent one). */
const sameOrigin = (first: RequestOrigin, presented: RequestOrigin): boolean =>
  first.ip === presented.ip && first.userAgent === presented.userAgent;

export class RefreshRetryWindow {
  constructor(
    private readonly encryption: KeyEncryption,
    /** Seconds; 0 turns the window off. */
    private readonly window: number,
  ) {}

  /** The response to keep with the rotated token, encrypted; null when the window is off, so nothing is kept. */
  seal(tokenHash: string, fingerprint: string, response: TokenResponse, now: number): RefreshRetryResponse | null {
    if (this.window === 0) return null;
    const encryptedResponse = this.encryption.encrypt(bindingOf(tokenHash), Buffer.from(JSON.stringify(response), 'utf8'));
    return { retryUntil: now + this.window, fingerprint, encryptedResponse };
  }

  /**
   * The stored response when the presentation is a benign retry: within the window, with the same fingerprint, from
   * the first rotation's IP and User-Agent. Undefined means a reuse. An envelope that no longer opens (key-encryption
   * secret changed) counts as a reuse.
   */
  open(tokenHash: string, first: FirstRotation, attempt: RetryAttempt, now: number): TokenResponse | undefined {
    const stored = first.retry;
    // SECURITY.md (refresh tokens): only the same client with the same requested scope, within the window, gets the same response.
    if (stored === null || now > stored.retryUntil || stored.fingerprint !== attempt.fingerprint) return undefined;
    // SECURITY.md (refresh tokens): and only from the first rotation's origin; a public client's id is no proof of who retries.
    if (!sameOrigin(first.firstUse, attempt.origin)) return undefined;
    try {
      return JSON.parse(this.encryption.decrypt(bindingOf(tokenHash), stored.encryptedResponse).toString('utf8')) as TokenResponse;
    } catch {
      return undefined;
    }
  }
}
