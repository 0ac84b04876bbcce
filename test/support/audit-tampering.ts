// Tampering with the audit trail behind the store's back, as an attacker with database access would, for the tests of verification.
import { chainHash } from '../../src/store/kysely/audit-chain.js';
import type { AuditChainBreak, AuditChainVerification, AuditEventInput, AuditEventRecord } from '../../src/store/records.js';
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

/** Where a forger points the chain head: its last event, and (for a prefix deleted) the pruned head. */
interface ForgedHead {
  readonly sequence?: number;
  readonly hash?: string;
  readonly prunedSequence?: number;
  readonly prunedHash?: string;
}

/** Moves the chain head as a forger without the key-encryption secret can: every column but the seal. */
export async function moveHead(database: Pick<TestDatabase, 'sql'>, head: ForgedHead): Promise<void> {
  const columns = [
    head.sequence === undefined ? [] : [`sequence = ${head.sequence}`],
    head.hash === undefined ? [] : [`hash = '${head.hash}'`],
    head.prunedSequence === undefined ? [] : [`pruned_sequence = ${head.prunedSequence}`],
    head.prunedHash === undefined ? [] : [`pruned_hash = '${head.prunedHash}'`],
  ].flat();
  await database.sql(`update audit_chain_head set ${columns.join(', ')}`);
}

/**
 * Replaces every event from `from` on with `count` forged ones, chained from `previousHash` with the chain's own hash
 * function, and moves the head to the last of them: a rewrite the chain alone cannot tell from the real thing.
 */
export async function rewriteTail(database: Pick<TestDatabase, 'sql'>, from: number, previousHash: string, count: number): Promise<void> {
  await database.sql(`delete from audit_events where sequence >= ${from}`);
  let hash = previousHash;
  for (let sequence = from; sequence < from + count; sequence += 1) {
    await insertForgedEvent(database, sequence, hash);
    hash = sealAs(hash, sequence);
  }
  await moveHead(database, { sequence: from + count - 1, hash });
}

/** Deletes every event after `last` and points the head at it, as if nothing had been appended since. */
export async function cutTail(database: Pick<TestDatabase, 'sql'>, last: Pick<AuditEventRecord, 'sequence' | 'hash'>): Promise<void> {
  await database.sql(`delete from audit_events where sequence > ${last.sequence}`);
  await moveHead(database, { sequence: last.sequence, hash: last.hash });
}

/** Deletes every event up to `through` and moves the pruned head to it, as if a prune had taken them. */
export async function dropPrefix(database: Pick<TestDatabase, 'sql'>, through: Pick<AuditEventRecord, 'sequence' | 'hash'>): Promise<void> {
  await database.sql(`delete from audit_events where sequence <= ${through.sequence}`);
  await moveHead(database, { prunedSequence: through.sequence, prunedHash: through.hash });
}

/** The first break of a verification, or null when the chain is intact. */
export function breakOf(verification: AuditChainVerification): AuditChainBreak | null {
  return verification.intact ? null : verification.firstBreak;
}
