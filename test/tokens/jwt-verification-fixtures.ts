// Shared setup for the JWT verification suites: Gatehouse signing keys of every algorithm, a JWKS publishing them,
// and a signer that writes any header and payload bytes (what an attacker can send, which no JOSE library would make).
import { sign, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../../src/store/records.js';
import type { JwtVerificationOptions } from '../../src/tokens/jwt-verification.js';
import { generateSigningKey } from '../../src/tokens/keys/generate.js';
import { serialiseJwks } from '../../src/tokens/keys/jwks.js';
import { createKeyEncryption } from '../../src/tokens/keys/key-encryption.js';
import { importSigningKey, readPublicJwk, type PublicJwk, type SigningKey } from '../../src/tokens/keys/signing-key.js';
import type { PublishedKeys } from '../../src/tokens/published-key-set.js';

export const ISSUER = 'https://issuer.example';
export const NOW = 1_800_000_000;
export const TOLERANCE = 30;

const encryption = createKeyEncryption('jwt-verification-test-secret-0123456789abcdef');

export interface TestKey extends SigningKey {
  readonly jwk: PublicJwk;
}

export async function makeKey(alg: SigningAlgorithm): Promise<TestKey> {
  const record = await generateSigningKey(alg, encryption, NOW);
  return { ...importSigningKey(record, encryption), jwk: readPublicJwk(record) };
}

/** A published document over `jwks`, as the key ring serves it; `publish` swaps the document, as a rotation does. */
export function publishedKeys(jwks: readonly object[]): PublishedKeys & { publish(next: readonly object[]): void } {
  let body = serialiseJwks(jwks as PublicJwk[]).body;
  return {
    jwksJson: () => body,
    publish: (next) => {
      body = serialiseJwks(next as PublicJwk[]).body;
    },
  };
}

const segment = (value: unknown): string => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** Signs `alg` over the encoded segments the way signJwt does, with any private key. */
export function signBytes(signingInput: string, privateKey: KeyObject, alg: SigningAlgorithm): string {
  const input = Buffer.from(signingInput);
  const digest = alg === 'EdDSA' ? null : 'sha256';
  return sign(digest, input, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** A compact JWS of exactly this header and payload (objects are JSON-encoded, Buffers taken as the bytes), signed by `key`. */
export function craftJwt(header: unknown, payload: unknown, key: { readonly privateKey: KeyObject; readonly alg: SigningAlgorithm }): string {
  const signingInput = `${segment(header)}.${segment(payload)}`;
  return `${signingInput}.${signBytes(signingInput, key.privateKey, key.alg)}`;
}

/** An access token's claims valid at NOW, with `overrides` (undefined removes a claim). */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { iss: ISSUER, sub: 'user-1', aud: ISSUER, client_id: 'app', scope: 'openid', iat: NOW, exp: NOW + 600, jti: 'token-1' };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** The options AccessTokenVerifier.verify passes, judged at NOW, with `overrides`. */
export function options(overrides: Partial<JwtVerificationOptions> = {}): JwtVerificationOptions {
  return {
    algorithms: ['RS256', 'ES256', 'EdDSA'],
    typ: 'at+jwt',
    issuer: ISSUER,
    audience: ISSUER,
    requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope'],
    clockTolerance: TOLERANCE,
    now: NOW,
    ...overrides,
  };
}
