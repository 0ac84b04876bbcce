// Where each refresh token family is used from, coarsely (its client's network and browser), so a refresh from
// elsewhere raises refresh_token.context_changed (README "Security events").
import type { Kysely, Migration } from 'kysely';

export const familyContextMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Null for families from before this migration: their next refresh records a context without raising an event.
    await db.schema.alterTable('token_families').addColumn('context_network', 'text').execute();
    await db.schema.alterTable('token_families').addColumn('context_user_agent', 'text').execute();
  },
};
