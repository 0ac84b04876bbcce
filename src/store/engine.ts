// What each engine module hands to open.ts: a ready Kysely instance and how to migrate it.
import type { Kysely } from 'kysely';
import type { Database } from './kysely/database.js';
import type { Store } from './store.js';

export interface EngineConnection {
  readonly engine: Store['engine'];
  readonly db: Kysely<Database>;
  /** Applies pending migrations, safely when several processes start at once; returns their names. */
  migrate(): Promise<readonly string[]>;
}
