// The audit_events table: an append-only hash chain, serialised through the audit_chain_head row.
import type { AuditChainVerification, AuditEventInput, AuditEventRecord, AuditListFilter } from '../records.js';
import type { AuditRepository, AuditSealer } from '../store.js';
import { chainHash, GENESIS_HASH, normaliseDetails } from './audit-chain.js';
import { resealed } from './audit-seal.js';
import { afterPruning, compareWithHead, confirmBreak, judgeRow, type ChainRow, type ChainWalk } from './audit-verification.js';
import type { AuditChainHeadTable, AuditEventsTable } from './database.js';
import { inTransaction, type Db } from './transaction.js';

const VERIFY_PAGE_SIZE = 500;
// Eleven parameters a row: well inside SQLite's and PostgreSQL's limits, and few distinct statements to prepare.
const INSERT_ROWS_PER_STATEMENT = 64;

/** 9999-12-31T23:59:59Z: the last second an ISO 8601 time with a four-digit year can name. */
const LAST_WRITABLE_SECOND = 253_402_300_799;

/** The stored details as an object, or undefined when they are not a JSON object (Gatehouse only ever writes one). */
function parseDetails(text: unknown): Readonly<Record<string, unknown>> | undefined {
  try {
    const value: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a stored time is one Gatehouse's clock could have written: whole epoch seconds that a date can show. */
function isWritableTime(occurredAt: unknown): boolean {
  return Number.isSafeInteger(occurredAt) && (occurredAt as number) >= 0 && (occurredAt as number) <= LAST_WRITABLE_SECOND;
}

/** A row for reading: what cannot be decoded is flagged, never thrown, so one corrupt row does not stop a listing. */
function rowToListedEvent(row: AuditEventsTable): AuditEventRecord {
  const details = parseDetails(row.details);
  return {
    sequence: row.sequence,
    type: row.type,
    occurredAt: row.occurred_at,
    requestId: row.request_id,
    clientId: row.client_id,
    userId: row.user_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: details ?? {},
    previousHash: row.previous_hash,
    hash: row.hash,
    ...(details === undefined && { detailsInvalid: true }),
    ...(!isWritableTime(row.occurred_at) && { occurredAtInvalid: true }),
  };
}

/**
 * A row exactly as it is hashed, for verifyChain: details that are not a JSON object throw (the verification counts
 * that as altered), rather than being read as `{}`, which could seal like the original empty details.
 */
function rowToAuditEvent(row: AuditEventsTable): AuditEventRecord {
  const event = rowToListedEvent(row);
  if (event.detailsInvalid) throw new TypeError('stored audit details are not a JSON object');
  return event;
}

/** The events chained after the head at `sequence` with `hash`, in order. */
function linkEvents(events: readonly AuditEventInput[], sequence: number, hash: string): AuditEventRecord[] {
  const records: AuditEventRecord[] = [];
  let previousHash = hash;
  for (const [index, event] of events.entries()) {
    const record = { ...event, sequence: sequence + index + 1, previousHash, hash: chainHash(previousHash, sequence + index + 1, event) };
    records.push(record);
    previousHash = record.hash;
  }
  return records;
}

function auditEventRow(record: AuditEventRecord): AuditEventsTable {
  return {
    sequence: record.sequence,
    type: record.type,
    occurred_at: record.occurredAt,
    request_id: record.requestId,
    client_id: record.clientId,
    user_id: record.userId,
    ip: record.ip,
    user_agent: record.userAgent,
    details: JSON.stringify(record.details),
    previous_hash: record.previousHash,
    hash: record.hash,
  };
}

export class KyselyAuditRepository implements AuditRepository {
  /** Without a sealer (a store opened for reading), only list and listAfter may be called: the Store type offers nothing else. */
  constructor(
    private readonly db: Db,
    private readonly sealer: AuditSealer | undefined,
  ) {}

  private requireSealer(): AuditSealer {
    if (this.sealer === undefined) throw new Error('the audit chain was used through a store opened without the audit sealer');
    return this.sealer;
  }

  async append(input: AuditEventInput): Promise<AuditEventRecord> {
    const [record] = await this.appendMany([input]);
    return record!;
  }

  async appendMany(inputs: readonly AuditEventInput[]): Promise<readonly AuditEventRecord[]> {
    const sealer = this.requireSealer();
    if (inputs.length === 0) return [];
    const events = inputs.map((input) => ({ ...input, details: normaliseDetails(input.details) }));
    return inTransaction(this.db, async (trx) => {
      // Updating the head first takes its lock until commit: concurrent appenders, in any process, queue here.
      const head = await trx
        .updateTable('audit_chain_head')
        .set((eb) => ({ sequence: eb('sequence', '+', events.length) }))
        .where('id', '=', 1)
        .returning(['sequence', 'hash', 'pruned_sequence', 'pruned_hash', 'seal'])
        .executeTakeFirstOrThrow();
      const records = linkEvents(events, head.sequence - events.length, head.hash);
      for (let start = 0; start < records.length; start += INSERT_ROWS_PER_STATEMENT) {
        await trx.insertInto('audit_events').values(records.slice(start, start + INSERT_ROWS_PER_STATEMENT).map(auditEventRow)).execute();
      }
      const last = records.at(-1)!;
      const seal = resealed(sealer, { ...head, sequence: head.sequence - events.length }, { ...head, hash: last.hash });
      await trx.updateTable('audit_chain_head').set({ hash: last.hash, ...seal }).where('id', '=', 1).execute();
      return records;
    });
  }

  async list(filter: AuditListFilter): Promise<readonly AuditEventRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('sequence', 'desc').limit(filter.limit);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    if (filter.since !== undefined) query = query.where('occurred_at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('occurred_at', '<=', filter.until);
    return (await query.execute()).map(rowToListedEvent);
  }

  async listAfter(afterSequence: number, options: { readonly limit: number; readonly since?: number }): Promise<readonly AuditEventRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().where('sequence', '>', afterSequence).orderBy('sequence').limit(options.limit);
    if (options.since !== undefined) query = query.where('occurred_at', '>=', options.since);
    return (await query.execute()).map(rowToListedEvent);
  }

  async verifyChain(): Promise<AuditChainVerification> {
    const sealer = this.requireSealer();
    let walk: ChainWalk = { sequence: 0, hash: GENESIS_HASH, linkedFrom: null, checked: 0 };
    for (;;) {
      const rows = await this.chainPage(walk.sequence);
      for (const row of rows) {
        walk = afterPruning(walk, row);
        const suspect = judgeRow(row, walk, rowToAuditEvent);
        if (suspect !== null) return confirmBreak(suspect, walk, await this.head(), sealer);
        walk = { sequence: row.sequence, hash: row.hash, linkedFrom: row.previous_hash, checked: walk.checked + 1 };
      }
      if (rows.length === VERIFY_PAGE_SIZE) continue;
      const head = await this.head();
      walk = afterPruning(walk, head);
      // Events appended since the last page was read are walked too, rather than taken for a cut end.
      if (head.sequence > walk.sequence && (await this.chainPage(walk.sequence)).length > 0) continue;
      return compareWithHead(walk, head, sealer);
    }
  }

  /** The next events after `afterSequence`; each row carries the pruned head, read in the same statement, so a prune running meanwhile is seen with the rows it left. */
  private chainPage(afterSequence: number): Promise<ChainRow[]> {
    return this.db
      .selectFrom('audit_events')
      .innerJoin('audit_chain_head', (join) => join.onTrue())
      .selectAll('audit_events')
      .select(['audit_chain_head.pruned_sequence', 'audit_chain_head.pruned_hash'])
      .where('audit_events.sequence', '>', afterSequence)
      .orderBy('audit_events.sequence')
      .limit(VERIFY_PAGE_SIZE)
      .execute();
  }

  private head(): Promise<AuditChainHeadTable> {
    return this.db.selectFrom('audit_chain_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  }

  async prune(before: number, limit: number): Promise<number> {
    const sealer = this.requireSealer();
    return inTransaction(this.db, async (trx) => {
      // Locking the head first queues prunes (and appends) from every instance, so the pruned head only moves forward.
      const head = await trx
        .updateTable('audit_chain_head')
        .set((eb) => ({ pruned_sequence: eb.ref('pruned_sequence') }))
        .where('id', '=', 1)
        .returning(['sequence', 'hash', 'pruned_sequence', 'pruned_hash', 'seal'])
        .executeTakeFirstOrThrow();
      const oldest = await trx.selectFrom('audit_events').select(['sequence', 'hash', 'occurred_at']).orderBy('sequence').limit(limit).execute();
      // Only a prefix of the chain may go; an event that is not old enough keeps every later one (clocks of instances differ).
      const young = oldest.findIndex((event) => event.occurred_at >= before);
      const pruned = young === -1 ? oldest : oldest.slice(0, young);
      const last = pruned.at(-1);
      if (last === undefined) return 0;
      await trx.deleteFrom('audit_events').where('sequence', '<=', last.sequence).execute();
      const prunedHead = { pruned_sequence: last.sequence, pruned_hash: last.hash };
      await trx.updateTable('audit_chain_head').set({ ...prunedHead, ...resealed(sealer, head, { ...head, ...prunedHead }) }).where('id', '=', 1).execute();
      return pruned.length;
    });
  }
}
