// Indexes for reading the audit trail by user or by client, newest first, without scanning the whole table.
import type { Kysely, Migration } from 'kysely';

export const auditLookupsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('audit_events_user').on('audit_events').columns(['user_id', 'sequence']).execute();
    await db.schema.createIndex('audit_events_client').on('audit_events').columns(['client_id', 'sequence']).execute();
  },
};
