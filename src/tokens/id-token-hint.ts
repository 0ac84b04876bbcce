// RP-Initiated Logout §2 `id_token_hint`: an ID token Gatehouse issued, verified by signature and issuer (not expiry).
import { compactVerify } from 'jose';
import { PublishedKeySet, type PublishedKeys } from './published-key-set.js';

/** What a valid hint says: whose session, which session, and which clients it was issued to. */
export interface IdTokenHint {
  readonly userId: string;
  readonly sessionId: string | null;
  readonly audience: readonly string[];
}

export class IdTokenHintVerifier {
  private readonly keySet: PublishedKeySet;

  constructor(
    published: PublishedKeys,
    private readonly issuer: string,
  ) {
    this.keySet = new PublishedKeySet(published);
  }

  /**
   * The hint's claims, or undefined when it is not an ID token this issuer signed with a key it still publishes.
   * RP-Initiated Logout §2: an expired ID token is still a good hint, so `exp` is not checked.
   */
  async verify(token: string): Promise<IdTokenHint | undefined> {
    const { keys, algorithms } = this.keySet.keys();
    let verified: Awaited<ReturnType<typeof compactVerify>>;
    try {
      verified = await compactVerify(token, keys, { algorithms: [...algorithms] });
    } catch {
      return undefined;
    }
    // Only ID tokens (typ JWT): an access token (at+jwt) or logout token (logout+jwt) is no hint.
    if (verified.protectedHeader.typ !== 'JWT') return undefined;
    return this.readClaims(verified.payload);
  }

  private readClaims(payload: Uint8Array): IdTokenHint | undefined {
    let claims: unknown;
    try {
      claims = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return undefined;
    }
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { iss, sub, sid, aud } = claims as Record<string, unknown>;
    if (iss !== this.issuer || typeof sub !== 'string') return undefined;
    const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((item): item is string => typeof item === 'string') : [];
    if (audience.length === 0) return undefined;
    return { userId: sub, sessionId: typeof sid === 'string' ? sid : null, audience };
  }
}
