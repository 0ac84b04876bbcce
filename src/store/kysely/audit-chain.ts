// The audit hash chain: canonical JSON of an event and the hash that links it to the one before.
import { createHash } from 'node:crypto';
import type { AuditEventInput } from '../records.js';

/** The previousHash of the first event: the chain head's hash before anything was appended. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Round-trips details through JSON so what is hashed is exactly what is stored and read back. */
export function normaliseDetails(details: AuditEventInput['details']): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
}

/** sha256(previousHash + canonical JSON of the event's content and sequence), hex. */
export function chainHash(previousHash: string, sequence: number, event: AuditEventInput): string {
  const content = canonicalJson({
    sequence,
    type: event.type,
    occurredAt: event.occurredAt,
    requestId: event.requestId,
    clientId: event.clientId,
    userId: event.userId,
    ip: event.ip,
    userAgent: event.userAgent,
    details: event.details,
  });
  return createHash('sha256').update(previousHash).update(content).digest('hex');
}
