// Indexes for what ending a session and delivering its logout tokens look up, so neither scans a table that grows
// with the user base (with a million rows each scan held the write lock for about 0.1 s), and a one-off removal of
// the logout participants whose session is gone: from now on they go with their session.
import { sql, type Kysely, type Migration } from 'kysely';

export const logoutLookupsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Ending a session withdraws the device approvals given in it; changing a password or deleting a user, the user's.
    await db.schema.createIndex('device_authorizations_session_id').on('device_authorizations').column('session_id').execute();
    await db.schema.createIndex('device_authorizations_user_id').on('device_authorizations').column('user_id').execute();
    // The outbox poll reads unfinished deliveries that are due; the sweep, finished ones older than a day.
    await db.schema.dropIndex('logout_deliveries_next_attempt_at').execute();
    await db.schema.createIndex('logout_deliveries_due').on('logout_deliveries').columns(['finished_at', 'next_attempt_at']).execute();
    await sql`delete from session_clients where not exists (select 1 from sessions where sessions.session_id = session_clients.session_id)`.execute(db);
  },
};
