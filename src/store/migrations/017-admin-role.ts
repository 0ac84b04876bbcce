// The admin role: users who may open the ops dashboard at /admin, granted and removed with `gatehouse users`.
import type { Kysely, Migration } from 'kysely';

export const adminRoleMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // 0 or 1, as the other flags; nobody is an admin until an operator grants it.
    await db.schema.alterTable('users').addColumn('admin', 'integer', (col) => col.notNull().defaultTo(0)).execute();
  },
};
