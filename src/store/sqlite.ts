// The embedded engine: better-sqlite3 in WAL mode, its pragmas, file handling and error mapping.
import { chmodSync, closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDatabase,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
} from 'kysely';
import type { EngineConnection } from './engine.js';
import type { Database } from './kysely/database.js';
import { withErrorMapping } from './kysely/error-mapping.js';
import { migrateToLatest } from './migrations/provider.js';
import { DuplicateError, StoreUnavailableError } from './store.js';

const MEMORY = ':memory:';
// SECURITY.md (storage and limits): the database holds hashes and encrypted keys; only Gatehouse's own user may read it.
const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;
/** The database file and the files SQLite keeps beside it in WAL mode. */
const DATABASE_FILE_SUFFIXES = ['', '-wal', '-shm'];
const BUSY_TIMEOUT_MS = 5000;
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|CORRUPT|NOTADB|PERM|AUTH)/;

/**
 * The database file for a `sqlite:<path>` URL (also `sqlite:///abs/path` and `sqlite::memory:`), relative paths
 * against the working directory; `<dataDir>/gatehouse.db` when no URL is set.
 */
export function resolveSqliteFile(databaseUrl: string | undefined, dataDir: string): string {
  if (databaseUrl === undefined || databaseUrl === '') return resolve(dataDir, 'gatehouse.db');
  const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
  if (path === MEMORY) return MEMORY;
  if (path === '') throw new StoreUnavailableError('the SQLite database URL names no file: expected sqlite:<path>');
  return resolve(path);
}

function describeError(error: unknown): string {
  if (error instanceof BetterSqlite3.SqliteError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
  return String(error);
}

export function unavailable(file: string, error: unknown): StoreUnavailableError {
  const code = error instanceof BetterSqlite3.SqliteError ? error.code : '';
  const message = /^SQLITE_(BUSY|LOCKED)/.test(code)
    ? `SQLite database ${file} is locked by another connection (${code})`
    : `cannot use SQLite database ${file}: ${describeError(error)}`;
  return new StoreUnavailableError(message.replace(/\s*\n\s*/g, ' '), { cause: error });
}

/** Maps driver errors: unique violations name their column, lock and I/O failures make the store unavailable. */
function mapSqliteError(file: string): (error: unknown) => unknown {
  return (error) => {
    if (!(error instanceof BetterSqlite3.SqliteError)) return error;
    if (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      // "UNIQUE constraint failed: clients.client_name" names the column after the table.
      const column = /failed: \w+\.(\w+)/.exec(error.message)?.[1] ?? 'unknown';
      return new DuplicateError(column);
    }
    return UNAVAILABLE_CODES.test(error.code) ? unavailable(file, error) : error;
  };
}

function ensureParentFolder(file: string): void {
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StoreUnavailableError(`cannot use SQLite database ${file}: it is a directory`);
    }
    // Only folders created here get the mode: an existing one may be shared, such as /var/lib.
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_FOLDER });
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`cannot create the folder for SQLite database ${file}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Creates the database file 0600 before SQLite opens it, so it is never readable by others, not even for a moment; SQLite
 * gives the WAL and SHM files it creates the database file's mode. Files an earlier release or a permissive umask left
 * lose group and other access, when this process's user owns them (another user's database keeps the mode it was given).
 */
function keepDatabaseFilesPrivate(file: string): void {
  // Read-only with O_CREAT: creates a missing file with the mode, and opens an existing one without needing write access.
  closeSync(openSync(file, constants.O_RDONLY | constants.O_CREAT, PRIVATE_FILE));
  for (const path of DATABASE_FILE_SUFFIXES.map((suffix) => `${file}${suffix}`)) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats !== undefined && stats.uid === process.getuid?.() && (stats.mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE);
  }
}

const WAL_RETRY_MS = 10;

/**
 * Switches the file to WAL. SQLite can answer SQLITE_BUSY at once, without its busy handler, while other processes
 * open a fresh file at the same moment (several `serve` workers, instances starting together): the switch is retried
 * for up to BUSY_TIMEOUT_MS, sleeping between tries, before the open fails.
 */
function switchToWal(database: BetterSqlite3.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = error instanceof BetterSqlite3.SqliteError && error.code.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= deadline) throw error;
      // Opening is synchronous (better-sqlite3) and happens once, at start: a short blocking sleep is fine here.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WAL_RETRY_MS);
    }
  }
}

function openFile(file: string): BetterSqlite3.Database {
  if (file !== MEMORY) ensureParentFolder(file);
  let database: BetterSqlite3.Database | undefined;
  try {
    if (file !== MEMORY) keepDatabaseFilesPrivate(file);
    database = new BetterSqlite3(file);
    // busy_timeout first, so the WAL switch and every later write wait for a competing writer instead of failing.
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    switchToWal(database);
    // Off by default in SQLite; the ON DELETE CASCADE behind clients.delete depends on it.
    database.pragma('foreign_keys = ON');
    return database;
  } catch (error) {
    database?.close();
    throw unavailable(file, error);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  // BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes fails
  // at once with SQLITE_BUSY, without waiting, when another process wrote in between.
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  // SQLite does run DDL in transactions; saying so makes Kysely's migrator wrap each run in one, which
  // (with BEGIN IMMEDIATE) keeps two processes from migrating the same file at once.
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

// Well above the number of distinct queries the repositories issue; migrations and ad-hoc SQL come on top.
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares a statement for every query, which costs more than running most of them; better-sqlite3
 * statements are reusable and Kysely runs one query at a time per connection, so repeated SQL reuses its statement.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

class GatehouseSqliteDialect extends SqliteDialect {
  private readonly database: SqliteDatabase;

  constructor(database: BetterSqlite3.Database) {
    const cached = withStatementCache(database);
    super({ database: cached });
    this.database = cached;
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

/**
 * When a commit counts as done: `normal` once the WAL holds it in the operating system (a process crash loses
 * nothing), `full` once it is on disk (a power loss loses nothing either). Set on every connection: left to SQLite,
 * the process that creates the file would run `full` and every later one `normal` (better-sqlite3's build default).
 */
export type SqliteSynchronous = 'normal' | 'full';

/** Opens (creating if needed) the SQLite file. @throws StoreUnavailableError naming the file */
export function connectSqlite(file: string, synchronous: SqliteSynchronous = 'normal'): EngineConnection {
  const database = openFile(file);
  database.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  const db = new Kysely<Database>({ dialect: withErrorMapping(new GatehouseSqliteDialect(database), mapSqliteError(file)) });
  return { engine: 'sqlite', db, migrate: () => migrateToLatest(db) };
}
