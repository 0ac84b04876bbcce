// The DPoP header of a request (RFC 9449 §4): checked once per request, replays refused across instances, nonces when required.
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { InvalidDpopProof, UseDpopNonce, type OAuthErrorOptions } from '../errors/oauth-errors.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { DpopProofJtiRepository } from '../store/store.js';
import type { DpopNonces } from '../tokens/dpop-nonce.js';
import { DPOP_SIGNING_ALGORITHMS, DpopProofRejected, verifyDpopProof, type AcceptedDpopProof } from '../tokens/dpop-proof.js';

/** A request as the proof is checked against it. */
export interface DpopPresentation {
  /** The `DPoP` header as received: absent, once, or (refused) several times. */
  readonly header: string | readonly string[] | undefined;
  readonly method: string;
  /** The endpoint's URL under the issuer, without query. */
  readonly url: string;
  /** The access token sent with the proof (RFC 9449 §7), whose hash `ath` must be. */
  readonly accessToken?: string;
  /** The thumbprint that token is bound to (`cnf.jkt`): a proof by another key is refused before its jti is stored. */
  readonly boundJkt?: string;
  /** At a protected resource (userinfo) the errors carry the DPoP challenge (RFC 9449 §7.1). */
  readonly atResource: boolean;
  /** For the replay event, when known. */
  readonly clientId?: string;
}

export class DpopProofChecker {
  constructor(
    private readonly settings: Config['dpop'],
    private readonly jtis: Pick<DpopProofJtiRepository, 'markUsed'>,
    private readonly nonces: DpopNonces,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  /** The nonce every answer to a DPoP request carries (RFC 9449 §8), or undefined when nonces are off. */
  currentNonce(): string | undefined {
    return this.settings.requireNonce ? this.nonces.issue(this.clock()) : undefined;
  }

  /**
   * The accepted proof of the request, or undefined when it has no DPoP header.
   * @throws InvalidDpopProof, UseDpopNonce (the cause, logged, says which check failed)
   */
  async check(presentation: DpopPresentation, origin: EventContext): Promise<AcceptedDpopProof | undefined> {
    const { header, atResource } = presentation;
    if (header === undefined) return undefined;
    const options: OAuthErrorOptions = atResource ? { dpopAlgorithms: DPOP_SIGNING_ALGORITHMS } : {};
    // RFC 9449 §4.3 (1): exactly one DPoP header.
    if (typeof header !== 'string') throw new InvalidDpopProof({ ...options, cause: new Error('more than one DPoP header') });
    const now = this.clock();
    try {
      return await verifyDpopProof(header, {
        method: presentation.method,
        url: presentation.url,
        ...(presentation.accessToken === undefined ? {} : { accessToken: presentation.accessToken }),
        ...(presentation.boundJkt === undefined ? {} : { boundJkt: presentation.boundJkt }),
        now,
        maxAge: this.settings.proofMaxAge,
        ...(this.settings.requireNonce ? { acceptsNonce: (nonce: string | undefined) => this.nonces.accepts(nonce, now) } : {}),
        markUsed: (jtiHash, expiresAt) => this.jtis.markUsed(jtiHash, expiresAt, now),
      });
    } catch (error) {
      if (!(error instanceof DpopProofRejected)) throw error;
      // RFC 9449 §8: the client retries with the nonce of the DPoP-Nonce header.
      if (error.kind === 'nonce') throw new UseDpopNonce({ ...options, cause: error });
      if (error.kind === 'replayed') this.events.emit({ type: 'dpop_proof.replayed', ...(presentation.clientId === undefined ? {} : { clientId: presentation.clientId }) }, origin);
      throw new InvalidDpopProof({ ...options, cause: error });
    }
  }
}
