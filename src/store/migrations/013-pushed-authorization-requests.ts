// Pushed authorization requests (RFC 9126): the requests clients push to /par, and whether a client must push its own.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';
const FLAG = 'integer';

export const pushedAuthorizationRequestsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // RFC 9126 §6: the client metadata `require_pushed_authorization_requests`; existing clients keep plain requests.
    await db.schema
      .alterTable('clients')
      .addColumn('require_pushed_authorization_requests', FLAG, (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('pushed_authorization_requests')
      // SHA-256 of the request_uri's random part; never the request_uri itself.
      .addColumn('request_hash', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
      .addColumn('parameters', 'text', (col) => col.notNull())
      .addColumn('created_at', EPOCH, (col) => col.notNull())
      .addColumn('expires_at', EPOCH, (col) => col.notNull())
      .addColumn('consumed_at', EPOCH)
      .execute();
    // The sweep finds expired requests without scanning the table; deleting a client finds its requests.
    await db.schema.createIndex('pushed_authorization_requests_expires_at').on('pushed_authorization_requests').column('expires_at').execute();
    await db.schema.createIndex('pushed_authorization_requests_client_id').on('pushed_authorization_requests').column('client_id').execute();
  },
};
