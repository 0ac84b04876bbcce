// The login_throttle table: failed-login counts and locks per account or client IP, shared by every instance.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const loginThrottleMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('login_throttle')
      // `account:<sha-256 of the username>` or `ip:<address or IPv6 /64>`: no username is stored as typed.
      .addColumn('throttle_key', 'text', (col) => col.primaryKey())
      .addColumn('failures', 'integer', (col) => col.notNull())
      .addColumn('last_failure_at', EPOCH, (col) => col.notNull())
      // 0 when not locked.
      .addColumn('locked_until', EPOCH, (col) => col.notNull())
      .execute();
    await db.schema.createIndex('login_throttle_last_failure_at').on('login_throttle').column('last_failure_at').execute();
  },
};
