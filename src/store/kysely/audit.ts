// The audit_events table: an append-only hash chain, serialised through the audit_chain_head row.
import type { AuditEventInput, AuditEventRecord } from '../records.js';
import type { AuditRepository } from '../store.js';
import { chainHash, GENESIS_HASH, normaliseDetails } from './audit-chain.js';
import type { AuditChainHeadTable, AuditEventsTable } from './database.js';
import { inTransaction, type Db } from './transaction.js';

const VERIFY_PAGE_SIZE = 500;

function parseDetails(text: string): Readonly<Record<string, unknown>> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('stored audit details are not a JSON object');
  }
  return value as Record<string, unknown>;
}

function rowToAuditEvent(row: AuditEventsTable): AuditEventRecord {
  return {
    sequence: row.sequence,
    type: row.type,
    occurredAt: row.occurred_at,
    requestId: row.request_id,
    clientId: row.client_id,
    userId: row.user_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: parseDetails(row.details),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/** Checks one stored event against the hash expected before it; false when it was altered. */
function isIntact(row: AuditEventsTable, expectedSequence: number, expectedPreviousHash: string): boolean {
  if (row.sequence !== expectedSequence || row.previous_hash !== expectedPreviousHash) return false;
  try {
    return chainHash(row.previous_hash, row.sequence, rowToAuditEvent(row)) === row.hash;
  } catch {
    return false;
  }
}

/** Where verification stands: the last event checked, or the pruned head when pruning has passed it. */
interface ChainPosition {
  readonly sequence: number;
  readonly hash: string;
}

/** The pruned head, when a prune has moved past `position` (perhaps while the chain was being read). */
function afterPruning(position: ChainPosition, head: Pick<AuditChainHeadTable, 'pruned_sequence' | 'pruned_hash'>): ChainPosition {
  return head.pruned_sequence > position.sequence ? { sequence: head.pruned_sequence, hash: head.pruned_hash } : position;
}

/** The head remembers the last append, so events deleted from the end or forged past it are caught too. */
function compareWithHead(head: { sequence: number; hash: string }, lastSequence: number, lastHash: string): number | null {
  if (head.sequence < lastSequence) return head.sequence + 1;
  if (head.sequence > lastSequence) return lastSequence + 1;
  return head.hash === lastHash ? null : Math.max(lastSequence, 1);
}

export class KyselyAuditRepository implements AuditRepository {
  constructor(private readonly db: Db) {}

  async append(input: AuditEventInput): Promise<AuditEventRecord> {
    const event: AuditEventInput = { ...input, details: normaliseDetails(input.details) };
    return inTransaction(this.db, async (trx) => {
      // Updating the head first takes its lock until commit: concurrent appenders, in any process, queue here.
      const head = await trx
        .updateTable('audit_chain_head')
        .set((eb) => ({ sequence: eb('sequence', '+', 1) }))
        .where('id', '=', 1)
        .returning(['sequence', 'hash'])
        .executeTakeFirstOrThrow();
      const record: AuditEventRecord = {
        ...event,
        sequence: head.sequence,
        previousHash: head.hash,
        hash: chainHash(head.hash, head.sequence, event),
      };
      await trx
        .insertInto('audit_events')
        .values({
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
        })
        .execute();
      await trx.updateTable('audit_chain_head').set({ hash: record.hash }).where('id', '=', 1).execute();
      return record;
    });
  }

  async list(options: { readonly limit: number; readonly type?: string }): Promise<readonly AuditEventRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('sequence', 'desc').limit(options.limit);
    if (options.type !== undefined) query = query.where('type', '=', options.type);
    return (await query.execute()).map(rowToAuditEvent);
  }

  async verifyChain(): Promise<number | null> {
    let position: ChainPosition = { sequence: 0, hash: GENESIS_HASH };
    for (;;) {
      // Each page reads the pruned head in the same statement, so a prune running meanwhile is seen with the rows it left.
      const rows = await this.db
        .selectFrom('audit_events')
        .innerJoin('audit_chain_head', (join) => join.onTrue())
        .selectAll('audit_events')
        .select(['audit_chain_head.pruned_sequence', 'audit_chain_head.pruned_hash'])
        .where('audit_events.sequence', '>', position.sequence)
        .orderBy('audit_events.sequence')
        .limit(VERIFY_PAGE_SIZE)
        .execute();
      for (const row of rows) {
        position = afterPruning(position, row);
        if (!isIntact(row, position.sequence + 1, position.hash)) return position.sequence + 1;
        position = row;
      }
      if (rows.length < VERIFY_PAGE_SIZE) break;
    }
    const head = await this.db.selectFrom('audit_chain_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    position = afterPruning(position, head);
    return compareWithHead(head, position.sequence, position.hash);
  }

  async prune(before: number, limit: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      // Locking the head first queues prunes (and appends) from every instance, so the pruned head only moves forward.
      await trx.updateTable('audit_chain_head').set((eb) => ({ pruned_sequence: eb.ref('pruned_sequence') })).where('id', '=', 1).execute();
      const oldest = await trx.selectFrom('audit_events').select(['sequence', 'hash', 'occurred_at']).orderBy('sequence').limit(limit).execute();
      // Only a prefix of the chain may go; an event that is not old enough keeps every later one (clocks of instances differ).
      const young = oldest.findIndex((event) => event.occurred_at >= before);
      const pruned = young === -1 ? oldest : oldest.slice(0, young);
      const last = pruned.at(-1);
      if (last === undefined) return 0;
      await trx.deleteFrom('audit_events').where('sequence', '<=', last.sequence).execute();
      await trx.updateTable('audit_chain_head').set({ pruned_sequence: last.sequence, pruned_hash: last.hash }).where('id', '=', 1).execute();
      return pruned.length;
    });
  }
}
