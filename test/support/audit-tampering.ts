// Tampering with the audit trail behind the store's back, as an attacker with database access would, for the tests of verification.
import { chainHash } from '../../src/store/kysely/audit-chain.js';
import type { AuditChainBreak, AuditChainVerification, AuditEventInput } from '../../src/store/records.js';
import type { TestDatabase } from './database.js';

const FORGED: AuditEventInput = {
  type: 'user.created',
  occurredAt: 1_700_000_000,
  requestId: null,
  clientId: null,
  userId: 'forged-user',
  ip: null,
  userAgent: null,
  details: { actor: 'cli:mallory' },
};

/** The hash the chain would give `event` at `sequence` after `previousHash`: what a careful forger computes. */
export function sealAs(previousHash: string, sequence: number, event: AuditEventInput = FORGED): string {
  return chainHash(previousHash, sequence, event);
}

/** Inserts a forged event at `sequence`, linked to `previousHash` and sealed with the chain's own hash function. */
export async function insertForgedEvent(database: Pick<TestDatabase, 'sql'>, sequence: number, previousHash: string): Promise<void> {
  const hash = sealAs(previousHash, sequence);
  await database.sql(
    `insert into audit_events (sequence, type, occurred_at, request_id, client_id, user_id, ip, user_agent, details, previous_hash, hash)
     values (${sequence}, '${FORGED.type}', ${FORGED.occurredAt}, null, null, '${FORGED.userId}', null, null, '${JSON.stringify(FORGED.details)}', '${previousHash}', '${hash}')`,
  );
}

/** Moves every event from `sequence` on one place up (in two steps, so no primary key collides), leaving `sequence` free. */
export async function makeRoomAt(database: Pick<TestDatabase, 'sql'>, sequence: number): Promise<void> {
  await database.sql(`update audit_events set sequence = sequence + 1000000 where sequence >= ${sequence}`);
  await database.sql(`update audit_events set sequence = sequence - 999999 where sequence >= 1000000`);
}

/** The first break of a verification, or null when the chain is intact. */
export function breakOf(verification: AuditChainVerification): AuditChainBreak | null {
  return verification.intact ? null : verification.firstBreak;
}
