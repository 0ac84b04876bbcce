// Runs multi-statement work atomically, joining the caller's transaction when there is one.
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export type Db = Kysely<Database>;

/** Runs `work` in a transaction; inside an open transaction it runs in that one, since Kysely does not nest them. */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
