// Interactions remember the step they wait for and which sessions earned their progress (login, consent).
import type { Kysely, Migration } from 'kysely';

export const interactionStepsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time. An interaction in flight during
    // the upgrade restarts at login, the safe step.
    await db.schema.alterTable('interactions').addColumn('awaiting', 'text', (col) => col.notNull().defaultTo('login')).execute();
    await db.schema.alterTable('interactions').addColumn('login_session_id', 'text').execute();
    await db.schema.alterTable('interactions').addColumn('consent_session_id', 'text').execute();
  },
};
