// Opening the store: picks the engine from the database URL, migrates, and hands back a Store.
import type { EngineConnection } from './engine.js';
import { createKyselyStore } from './kysely/kysely-store.js';
import type { SqliteSynchronous } from './sqlite.js';
import { StoreUnavailableError, type AuditSealer, type SealedStore, type Store } from './store.js';

export interface OpenStoreOptions {
  /**
   * `postgres://` or `postgresql://` (with `?schema=NAME` to pick a PostgreSQL schema), `sqlite:<path>`,
   * `sqlite::memory:`, or unset for SQLite at `<dataDir>/gatehouse.db`.
   */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** PostgreSQL schema for the tables; wins over `?schema=` in the URL. */
  readonly postgresSchema?: string;
  /** SQLite's commit durability (the `sqliteSynchronous` setting); normal unless given. */
  readonly sqliteSynchronous?: SqliteSynchronous;
}

/** The engine a database URL names (unset: the embedded SQLite). @throws StoreUnavailableError for any other scheme */
export function engineOf(databaseUrl: string | undefined): Store['engine'] {
  if (databaseUrl?.startsWith('postgres://') || databaseUrl?.startsWith('postgresql://')) return 'postgres';
  if (databaseUrl === undefined || databaseUrl === '' || databaseUrl.startsWith('sqlite:')) return 'sqlite';
  // Only the scheme is named: the rest of the URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(databaseUrl)?.[0] ?? 'a URL without scheme';
  throw new StoreUnavailableError(`unsupported database URL scheme ${scheme} expected postgres://, postgresql:// or sqlite:`);
}

// Each engine's module, and its driver, is loaded only when used: a process on SQLite never loads pg (about 6 MiB),
// one on PostgreSQL never loads better-sqlite3.
async function connect(options: OpenStoreOptions): Promise<EngineConnection> {
  const url = options.databaseUrl;
  if (engineOf(url) === 'postgres') {
    const { connectPostgres, parsePostgresUrl } = await import('./postgres.js');
    return connectPostgres(parsePostgresUrl(url!, options.postgresSchema));
  }
  const { connectSqlite, resolveSqliteFile } = await import('./sqlite.js');
  return connectSqlite(resolveSqliteFile(url, options.dataDir), options.sqliteSynchronous ?? 'normal');
}

async function connectAndMigrate(options: OpenStoreOptions): Promise<{ engine: EngineConnection; applied: readonly string[] }> {
  const engine = await connect(options);
  try {
    return { engine, applied: await engine.migrate() };
  } catch (error) {
    await engine.db.destroy();
    throw error;
  }
}

/**
 * Opens the configured database and applies pending migrations (safe when several instances start at once). With
 * `auditSealer` (message authentication keyed from the key-encryption secret) the store can append to the audit
 * chain and verify it; without, it reads the trail only, and needs no secret.
 * @throws StoreUnavailableError with a one-line message naming the file or host, never a password
 */
export async function openStore(options: OpenStoreOptions, auditSealer: AuditSealer): Promise<SealedStore>;
export async function openStore(options: OpenStoreOptions): Promise<Store>;
export async function openStore(options: OpenStoreOptions, auditSealer?: AuditSealer): Promise<Store> {
  const { engine } = await connectAndMigrate(options);
  return auditSealer === undefined ? createKyselyStore(engine.db, engine.engine) : createKyselyStore(engine.db, engine.engine, auditSealer);
}

/** For `gatehouse migrate`: applies pending migrations and reports their names (empty when up to date). */
export async function migrateStore(options: OpenStoreOptions): Promise<{ readonly applied: readonly string[] }> {
  const { engine, applied } = await connectAndMigrate(options);
  await engine.db.destroy();
  return { applied };
}
