// Back-Channel Logout 1.0: each client's backchannel_logout_uri, the clients that took part in each session, and the
// durable outbox of logout tokens still to deliver.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const logoutMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Back-Channel Logout §2.2: where the client receives logout tokens; null: it is not notified.
    await db.schema.alterTable('clients').addColumn('backchannel_logout_uri', 'text').execute();
    // Which clients got tokens in which session (recorded at code redemption), so ending the session notifies them.
    // Not tied to sessions by a foreign key: the sweeper removes rows whose session is gone.
    await db.schema
      .createTable('session_clients')
      .addColumn('session_id', 'text', (col) => col.notNull())
      .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
      .addColumn('created_at', EPOCH, (col) => col.notNull())
      .addPrimaryKeyConstraint('session_clients_pkey', ['session_id', 'client_id'])
      .execute();
    await db.schema.createIndex('session_clients_client_id').on('session_clients').column('client_id').execute();
    // The outbox: written in the transaction that ends the session, so no logout is lost to a crash or restart.
    await db.schema
      .createTable('logout_deliveries')
      .addColumn('session_id', 'text', (col) => col.notNull())
      .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('backchannel_logout_uri', 'text', (col) => col.notNull())
      .addColumn('created_at', EPOCH, (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('next_attempt_at', EPOCH, (col) => col.notNull())
      .addColumn('lease_id', 'text')
      .addColumn('lease_until', EPOCH)
      .addColumn('finished_at', EPOCH)
      .addColumn('outcome', 'text')
      .addPrimaryKeyConstraint('logout_deliveries_pkey', ['session_id', 'client_id'])
      .execute();
    await db.schema.createIndex('logout_deliveries_next_attempt_at').on('logout_deliveries').column('next_attempt_at').execute();
    await db.schema.createIndex('logout_deliveries_client_id').on('logout_deliveries').column('client_id').execute();
  },
};
