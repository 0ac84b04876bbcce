// DPoP-bound access tokens at an API (RFC 9449 §7): the proof checked against this request, its jti kept in memory.
import { DPOP_SIGNING_ALGORITHMS, DpopProofRejected, verifyDpopProof } from '../tokens/dpop-proof.js';
import type { PresentedToken, RequestLike } from './bearer.js';
import { ResourceServerError } from './errors.js';
import type { Principal } from './principal.js';

export interface DpopOptions {
  /**
   * The API's public origin as clients call it, e.g. `https://api.example.com`: a proof's `htu` must be this origin
   * followed by the request's path (RFC 9449 §4.3 (9)). Taken from here, never from Host or X-Forwarded-* headers,
   * which a caller could set to anything.
   */
  readonly origin: string;
  /** Seconds a proof's `iat` may lie before or after now; default 60. */
  readonly proofMaxAge?: number;
  /**
   * Proofs (their `jti`) remembered at once to refuse a replay; default 10 000. A proof is remembered while it could be
   * accepted and never forgotten earlier: when this many are, new proofs are refused (`invalid_dpop_proof`) until the
   * oldest expire, so size it above the proofs this instance accepts within `2 × proofMaxAge`. Only proofs by a token's
   * own key are remembered. Each instance remembers its own.
   */
  readonly replayCacheSize?: number;
}

/** Every remembered proof is still acceptable: forgetting one would let it be replayed, so the new proof is refused. */
class ReplayCacheFull extends Error {}

/** A bounded in-memory record of accepted proofs' jti hashes, each until its expiry (RFC 9449 §11.1). */
function replayCache(maxEntries: number): (jtiHash: string, expiresAt: number, now: number) => boolean {
  const seen = new Map<string, number>();
  let earliestExpiry = Number.POSITIVE_INFINITY;
  const forgetExpired = (now: number): void => {
    earliestExpiry = Number.POSITIVE_INFINITY;
    for (const [hash, until] of seen) {
      if (until <= now) seen.delete(hash);
      else earliestExpiry = Math.min(earliestExpiry, until);
    }
  };
  return (jtiHash, expiresAt, now) => {
    const until = seen.get(jtiHash);
    if (until !== undefined && until > now) return false;
    seen.delete(jtiHash);
    if (seen.size >= maxEntries && earliestExpiry <= now) forgetExpired(now);
    // RFC 9449 §11.1: fail closed rather than forget a proof that could still be replayed.
    if (seen.size >= maxEntries) throw new ReplayCacheFull('DPoP replay cache full of proofs still acceptable');
    seen.set(jtiHash, expiresAt);
    earliestExpiry = Math.min(earliestExpiry, expiresAt);
    return true;
  };
}

/** RFC 9449 §6.1: the thumbprint a token is bound to (`cnf.jkt`), or undefined for a bearer token. */
function boundKeyOf(principal: Principal): string | undefined {
  const cnf = principal.claims.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === 'string' ? jkt : undefined;
}

const DESCRIPTIONS = {
  invalid_token: 'The access token is invalid or has expired.',
  invalid_dpop_proof: 'The DPoP proof is missing, invalid or does not match the request.',
} as const;

/** The path of a request target, without query or fragment. */
const pathOf = (target: string): string => target.split(/[?#]/, 1)[0] ?? '/';

/** RFC 9449 §4.3 (9): the path clients called; Express keeps it in `originalUrl`, its `url` being relative to a router's mount path. */
const requestTargetOf = (request: RequestLike): string => (typeof request.originalUrl === 'string' ? request.originalUrl : request.url ?? '/');

/**
 * Checks how a verified token was presented: a bearer token with the Bearer scheme; a DPoP-bound one with the DPoP
 * scheme and a proof of this request by its key. Without `options`, DPoP-bound tokens are refused.
 * @throws ResourceServerError `invalid_token` (wrong scheme) or `invalid_dpop_proof`, with the DPoP challenge
 */
export function dpopBindingCheck(options: DpopOptions | undefined, realm: string | undefined, now: () => number) {
  const remember = replayCache(options?.replayCacheSize ?? 10_000);
  const maxAge = options?.proofMaxAge ?? 60;
  const refuse = (code: 'invalid_token' | 'invalid_dpop_proof', reason: string, description: string = DESCRIPTIONS[code]) =>
    new ResourceServerError(code, description, { realm, dpopAlgorithms: DPOP_SIGNING_ALGORITHMS, cause: new Error(reason) });
  return async (principal: Principal, presented: PresentedToken | undefined, request: RequestLike | undefined): Promise<void> => {
    const jkt = boundKeyOf(principal);
    if (jkt === undefined) {
      // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound tokens.
      if (presented?.scheme === 'DPoP') throw refuse('invalid_token', 'a bearer token presented with the DPoP scheme');
      return;
    }
    // RFC 9449 §7.2: a DPoP-bound token is never accepted as a bearer token.
    if (presented?.scheme !== 'DPoP' || request === undefined) throw refuse('invalid_token', 'a DPoP-bound token presented as a bearer token');
    if (options === undefined) throw refuse('invalid_token', 'DPoP-bound token, but this verifier was not given the dpop option');
    const proof = request.headers.dpop;
    // RFC 9449 §4.3 (1): exactly one DPoP header.
    if (typeof proof !== 'string') throw refuse('invalid_dpop_proof', 'no DPoP header, or more than one');
    const seconds = Math.floor(now() / 1000);
    try {
      await verifyDpopProof(proof, {
        method: request.method ?? 'GET',
        url: `${options.origin.replace(/\/$/, '')}${pathOf(requestTargetOf(request))}`,
        accessToken: presented.token,
        // RFC 9449 §7.1: the proof's key is the token's, checked before its jti is remembered.
        boundJkt: jkt,
        now: seconds,
        maxAge,
        markUsed: (jtiHash, expiresAt) => Promise.resolve(remember(jtiHash, expiresAt, seconds)),
      });
    } catch (error) {
      if (error instanceof DpopProofRejected) throw refuse('invalid_dpop_proof', error.message);
      if (error instanceof ReplayCacheFull) throw refuse('invalid_dpop_proof', error.message, 'Too many DPoP proofs are in use at once: retry shortly.');
      throw error;
    }
  };
}
