// The interactions table: authorization requests waiting for the person to log in or consent.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const interactionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('interactions')
      .addColumn('interaction_hash', 'text', (col) => col.primaryKey())
      // The validated request as JSON: it is only ever read back whole, never queried by field.
      .addColumn('request', 'text', (col) => col.notNull())
      .addColumn('csrf_token_hash', 'text', (col) => col.notNull())
      .addColumn('created_at', EPOCH, (col) => col.notNull())
      .addColumn('expires_at', EPOCH, (col) => col.notNull())
      .addColumn('completed_at', EPOCH)
      .execute();
    await db.schema.createIndex('interactions_expires_at').on('interactions').column('expires_at').execute();
  },
};
