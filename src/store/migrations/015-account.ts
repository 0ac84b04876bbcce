// The account page: where each session signed in from (device and address), and when each consent was last used.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const accountMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // As the sign-in request sent them; null for sessions started before this migration.
    await db.schema.alterTable('sessions').addColumn('ip', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    // The last token issued or refreshed for the (user, client) pair; null until the next one.
    await db.schema.alterTable('consents').addColumn('last_used_at', EPOCH).execute();
  },
};
