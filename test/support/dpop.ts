// DPoP proofs (RFC 9449 §4.2) as a client makes them, and the ways a broken or hostile one differs.
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { accessTokenHash } from '../../src/tokens/dpop-proof.js';

export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint, as `cnf.jkt` and `dpop_jkt` carry it. */
  readonly jkt: string;
  readonly alg: string;
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256'), alg };
}

export interface ProofOptions {
  readonly htm?: string;
  readonly htu: string;
  readonly accessToken?: string;
  readonly nonce?: string;
  /** Epoch seconds; default now. */
  readonly iat?: number;
  readonly jti?: string;
  /** Header members replacing the defaults (`jwk: undefined` drops it). */
  readonly header?: Readonly<Record<string, unknown>>;
  /** Payload members replacing the defaults (`undefined` drops one). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

const withoutUndefined = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

/** A proof by `key` for one request. */
export async function dpopProof(key: DpopKey, options: ProofOptions): Promise<string> {
  const claims = withoutUndefined({
    htm: options.htm ?? 'POST',
    htu: options.htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    jti: options.jti ?? randomUUID(),
    ...(options.accessToken === undefined ? {} : { ath: accessTokenHash(options.accessToken) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  });
  const header = withoutUndefined({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...options.header });
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}
