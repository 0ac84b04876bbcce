// Shared setup for the key ring suites: a ring over a real store, the events it emitted, and a jose verifier.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyResult } from 'jose';
import { EventBus, type GatehouseEvent } from '../../src/observability/events.js';
import type { SigningAlgorithm } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { signJwt } from '../../src/tokens/jwt.js';
import { createKeyEncryption, type KeyEncryption } from '../../src/tokens/keys/key-encryption.js';
import { KeyRing, type KeyRingOptions } from '../../src/tokens/keys/key-ring.js';
import type { SigningKey } from '../../src/tokens/keys/signing-key.js';

export const SECRET = 'key-ring-test-secret-0123456789abcdef012345';
export const T0 = 1_800_000_000;
export const ROTATION_INTERVAL = 1000;
export const JWKS_MAX_AGE = 60;
export const TOKENS = { accessTokenTtl: 600, idTokenTtl: 300, clockTolerance: 30 } as const;
export const REFRESH_INTERVAL = 10;
/** How long a retired key stays published: refresh interval + longest token lifetime + clock tolerance. */
export const RETIRED_WINDOW = REFRESH_INTERVAL + TOKENS.accessTokenTtl + TOKENS.clockTolerance;

export interface TestRing {
  readonly ring: KeyRing;
  readonly events: GatehouseEvent[];
  readonly timerErrors: unknown[];
}

export interface RingOverrides {
  /** Default ES256 alone, the fastest to generate; suites about several algorithms name them. */
  readonly algorithms?: readonly SigningAlgorithm[];
  readonly rotationInterval?: number;
  readonly encryption?: KeyEncryption;
  readonly clock?: () => number;
}

/** A key ring on `store` recording its events; defaults match the constants above. */
export function makeRing(store: Store, overrides: RingOverrides = {}): TestRing {
  const events: GatehouseEvent[] = [];
  const timerErrors: unknown[] = [];
  const bus = new EventBus((error) => timerErrors.push(error));
  bus.subscribe((event) => {
    events.push(event);
  });
  const options: KeyRingOptions = {
    signingKeys: store.signingKeys,
    keys: {
      algorithms: [...(overrides.algorithms ?? ['ES256'])],
      rotationInterval: overrides.rotationInterval ?? ROTATION_INTERVAL,
      jwksMaxAge: JWKS_MAX_AGE,
      refreshInterval: REFRESH_INTERVAL,
    },
    tokens: TOKENS,
    encryption: overrides.encryption ?? createKeyEncryption(SECRET),
    events: bus,
    onTimerError: (error) => timerErrors.push(error),
    clock: overrides.clock ?? (() => Math.floor(Date.now() / 1000)),
  };
  return { ring: new KeyRing(options), events, timerErrors };
}

/** The ring's active key of `alg`, failing the test when there is none. */
export function activeKeyOf(ring: KeyRing, alg: SigningAlgorithm = 'ES256'): SigningKey {
  const key = ring.activeKey(alg);
  if (key === undefined) throw new Error(`the ring has no active ${alg} key`);
  return key;
}

/** An access-token-shaped JWT from the ring's active key of `alg`, valid for a minute from `iat`. */
export function signWith(ring: KeyRing, iat = Math.floor(Date.now() / 1000), alg: SigningAlgorithm = 'ES256'): string {
  return signJwt({ typ: 'at+jwt' }, { iss: 'https://issuer.example', sub: 'user-1', aud: 'api', iat, exp: iat + 60 }, activeKeyOf(ring, alg));
}

/** Verifies a token as a resource server holding this JWKS document would. */
export function verifyWithJwks(token: string, jwksJson: string): Promise<JWTVerifyResult> {
  const jwks = JSON.parse(jwksJson) as JSONWebKeySet;
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'https://issuer.example', audience: 'api', typ: 'at+jwt' });
}

/** The kids listed in a JWKS document, in order. */
export function jwksKids(jwksJson: string): string[] {
  return (JSON.parse(jwksJson) as JSONWebKeySet).keys.map((key) => key.kid ?? '');
}

/** Counts of stored keys by status. */
export async function countByStatus(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = { active: 0, next: 0, retired: 0 };
  for (const key of await store.signingKeys.listAll()) counts[key.status] = (counts[key.status] ?? 0) + 1;
  return counts;
}
