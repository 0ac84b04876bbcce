// The device_authorizations table (RFC 8628): device and user codes (hashes only), the person's decision, polling state.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const deviceAuthorizationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('device_authorizations')
      .addColumn('device_code_hash', 'text', (col) => col.primaryKey())
      // The verification page looks an authorization up by its normalised user code; unique, so a code names one.
      .addColumn('user_code_hash', 'text', (col) => col.notNull().unique())
      .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
      .addColumn('scope', 'text', (col) => col.notNull())
      .addColumn('resources', 'text', (col) => col.notNull())
      // pending, approved, denied or redeemed.
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('interval', 'integer', (col) => col.notNull())
      .addColumn('last_polled_at', EPOCH)
      // Set on approval; a deleted user takes their approvals with them.
      .addColumn('user_id', 'text', (col) => col.references('users.user_id').onDelete('cascade'))
      .addColumn('session_id', 'text')
      .addColumn('auth_time', EPOCH)
      .addColumn('api_scope', 'text')
      .addColumn('created_at', EPOCH, (col) => col.notNull())
      .addColumn('expires_at', EPOCH, (col) => col.notNull())
      .addColumn('decided_at', EPOCH)
      .execute();
    await db.schema.createIndex('device_authorizations_expires_at').on('device_authorizations').column('expires_at').execute();
    await db.schema.createIndex('device_authorizations_client_id').on('device_authorizations').column('client_id').execute();
  },
};
