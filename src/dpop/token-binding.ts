// Sender-constrained access tokens at a protected resource (RFC 9449 §7): a DPoP-bound token only with its key's proof.
import { InvalidDpopProof, InvalidToken } from '../errors/oauth-errors.js';
import type { EventContext } from '../observability/events.js';
import { DPOP_SIGNING_ALGORITHMS } from '../tokens/dpop-proof.js';
import type { DpopProofChecker } from './proof-checker.js';

/** An access token as the request presented it: the Authorization scheme (or the form body, Bearer) and the value. */
export interface PresentedAccessToken {
  readonly token: string;
  readonly scheme: 'Bearer' | 'DPoP';
}

/** The request the proof must match. */
export interface ProtectedRequest {
  readonly dpopHeader: string | readonly string[] | undefined;
  readonly method: string;
  /** The resource's URL under the issuer, without query. */
  readonly url: string;
  readonly origin: EventContext;
}

/** RFC 9449 §7.1: errors about a DPoP-bound token carry the DPoP challenge. */
const challenge = { dpopAlgorithms: DPOP_SIGNING_ALGORITHMS };

/**
 * Checks that a verified token is presented as it must be: a bearer token with the Bearer scheme, a DPoP-bound one
 * (`cnf.jkt`) with the DPoP scheme and a valid proof by that key for this request and token.
 * @throws InvalidToken (wrong scheme), InvalidDpopProof or UseDpopNonce (missing, bad or foreign proof)
 */
export async function checkSenderConstraint(
  checker: Pick<DpopProofChecker, 'check'>,
  presented: PresentedAccessToken,
  bound: { readonly dpopJkt: string | null; readonly clientId: string },
  request: ProtectedRequest,
): Promise<void> {
  if (bound.dpopJkt === null) {
    // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound tokens; a bearer token claimed as one is refused.
    if (presented.scheme === 'DPoP') throw new InvalidToken({ ...challenge, cause: new Error('a bearer token presented with the DPoP scheme') });
    return;
  }
  // RFC 9449 §7.2: a DPoP-bound token sent as a bearer token is refused, or anyone who saw it could use it.
  if (presented.scheme !== 'DPoP') throw new InvalidToken({ ...challenge, cause: new Error('a DPoP-bound token presented as a bearer token') });
  const proof = await checker.check(
    // RFC 9449 §7.1: the proof's key is the one the token is bound to (checked before the proof's jti is stored).
    { header: request.dpopHeader, method: request.method, url: request.url, accessToken: presented.token, boundJkt: bound.dpopJkt, atResource: true, clientId: bound.clientId },
    request.origin,
  );
  if (proof === undefined) throw new InvalidDpopProof({ ...challenge, cause: new Error('a DPoP-bound token without a DPoP proof') });
}
