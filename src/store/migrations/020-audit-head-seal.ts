// The audit chain head gets a seal: an HMAC over where the chain ends and where pruning stopped (see audit-seal.ts).
import type { Kysely, Migration } from 'kysely';

export const auditHeadSealMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Null until the next append or prune seals the head: migrating needs no key-encryption secret.
    await db.schema.alterTable('audit_chain_head').addColumn('seal', 'text').execute();
  },
};
