// The JWKS document: which published keys it lists, in what order, serialised once per change with an ETag.
import { createHash } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKeyRecord, type SigningKeyStatus } from '../../store/records.js';
import type { PublicJwk } from './signing-key.js';

/** The JWKS response body, ready to send, and a strong ETag for conditional requests. */
export interface Jwks {
  readonly body: string;
  readonly etag: string;
}

const STATUS_ORDER: Readonly<Record<SigningKeyStatus, number>> = { active: 0, next: 1, retired: 2 };

/**
 * Orders keys active, next (oldest first), retired (newest first), and within a status RS256 first: clients that
 * naively take the first key get the one ID tokens are signed with by default, and `oldestNextKey` agrees with the order.
 */
export function compareForJwks(a: SigningKeyRecord, b: SigningKeyRecord): number {
  const byStatus = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
  if (byStatus !== 0) return byStatus;
  const byAlgorithm = SIGNING_ALGORITHMS.indexOf(a.alg) - SIGNING_ALGORITHMS.indexOf(b.alg);
  if (byAlgorithm !== 0) return byAlgorithm;
  const byAge = a.status === 'retired' ? b.createdAt - a.createdAt : a.createdAt - b.createdAt;
  return byAge !== 0 ? byAge : a.kid.localeCompare(b.kid);
}

/** The next key of `alg` to promote: the one published longest, so the one most likely cached by every verifier. */
export function oldestNextKey(records: readonly SigningKeyRecord[], alg: SigningAlgorithm): SigningKeyRecord | undefined {
  return records.filter((record) => record.status === 'next' && record.alg === alg).sort(compareForJwks)[0];
}

/** The key to sign `alg` with; if a race ever left two active, the most recently activated wins on every instance. */
export function currentActiveKey(records: readonly SigningKeyRecord[], alg: SigningAlgorithm): SigningKeyRecord | undefined {
  const active = records.filter((record) => record.status === 'active' && record.alg === alg);
  return active.sort((a, b) => (b.activatedAt ?? b.createdAt) - (a.activatedAt ?? a.createdAt) || a.kid.localeCompare(b.kid))[0];
}

/** Serialises `{ keys }` once; the ETag is a digest of the body, so every instance with the same keys agrees on it. */
export function serialiseJwks(keys: readonly PublicJwk[]): Jwks {
  const body = JSON.stringify({ keys });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, etag };
}
