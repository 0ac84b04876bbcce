// The audit chain head also remembers where pruning stopped: the last deleted event's sequence and hash.
import type { Kysely, Migration } from 'kysely';
import { GENESIS_HASH } from '../kysely/audit-chain.js';

export const auditPrunedHeadMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time. Nothing pruned yet: verification
    // starts at the genesis hash, as before.
    await db.schema.alterTable('audit_chain_head').addColumn('pruned_sequence', 'bigint', (col) => col.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('audit_chain_head').addColumn('pruned_hash', 'text', (col) => col.notNull().defaultTo(GENESIS_HASH)).execute();
  },
};
