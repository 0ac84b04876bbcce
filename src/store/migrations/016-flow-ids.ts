// Flow ids: the one id that follows an authorization from its start through login, consent and the token exchange.
import type { Kysely, Migration } from 'kysely';

export const flowIdsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Null for rows written before this migration, and for account sign-ins, which no client asked for.
    await db.schema.alterTable('interactions').addColumn('flow_id', 'text').execute();
    await db.schema.alterTable('authorization_codes').addColumn('flow_id', 'text').execute();
    await db.schema.alterTable('device_authorizations').addColumn('flow_id', 'text').execute();
  },
};
