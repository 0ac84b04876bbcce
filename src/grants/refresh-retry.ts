// The refresh retry window: seals a rotation's response for a benign retry, and tells such a retry from a reuse.
import { createHash } from 'node:crypto';
import type { RefreshRetryResponse } from '../store/records.js';
import type { KeyEncryption } from '../tokens/keys/key-encryption.js';
import type { TokenResponse } from './grant.js';

/** The envelope is bound to the rotated token's hash, under a label no signing key id can take. */
const bindingOf = (tokenHash: string): string => `refresh-retry:${tokenHash}`;

/** What a retry must repeat to get the stored response: the client and the requested scope, byte for byte. */
export function retryFingerprint(clientId: string, requestedScope: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([clientId, requestedScope ?? null]), 'utf8').digest('base64url');
}

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
   * The stored response when the presentation is a benign retry: within the window, with the same fingerprint.
   * Undefined means a reuse. An envelope that no longer opens (key-encryption secret changed) counts as a reuse.
   */
  open(tokenHash: string, stored: RefreshRetryResponse | null, fingerprint: string, now: number): TokenResponse | undefined {
    // Issue 3 §7: only the same client with the same requested scope, within the window, gets the same response.
    if (stored === null || now > stored.retryUntil || stored.fingerprint !== fingerprint) return undefined;
    try {
      return JSON.parse(this.encryption.decrypt(bindingOf(tokenHash), stored.encryptedResponse).toString('utf8')) as TokenResponse;
    } catch {
      return undefined;
    }
  }
}
