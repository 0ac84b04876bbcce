// Step `id_token`: the issuer's JWK Set fetched within the step's timeout, then the ID token checked against it.
import { IdTokenRejected, verifyIdToken } from '../tokens/id-token-verification.js';
import type { IssuerMetadata } from './discovery.js';
import { ProbeFailure } from './probe-failure.js';
import type { ProbeHttp } from './probe-http.js';

export interface IdTokenCheck {
  readonly idToken: string;
  readonly nonce: string;
  readonly clockTolerance: number;
}

/** @returns the ID token's `sub`, which userinfo must repeat */
export async function fetchAndVerifyIdToken(http: ProbeHttp, metadata: IssuerMetadata, clientId: string, check: IdTokenCheck, signal: AbortSignal): Promise<string> {
  const jwks = await http.jsonObject(await http.send(metadata.jwksUri, { headers: { accept: 'application/json' } }, signal), 'jwks_uri', signal);
  try {
    const claims = await verifyIdToken(check.idToken, jwks, {
      issuer: metadata.issuer,
      clientId,
      nonce: check.nonce,
      algorithms: metadata.idTokenSigningAlgorithms,
      clockTolerance: check.clockTolerance,
    });
    return claims.sub;
  } catch (error) {
    if (error instanceof IdTokenRejected) throw new ProbeFailure(`ID token refused: ${error.message}`, 'failed', { cause: error });
    throw error;
  }
}
