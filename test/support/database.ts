// Test databases for every suite: a SQLite folder or PostgreSQL schema of its own per call, and suites run per engine.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import { parsePostgresUrl } from '../../src/store/postgres.js';
import type { SealedStore } from '../../src/store/store.js';
import { createSchemaPool, type SchemaPool } from './postgres-schema-pool.js';
import { TEST_AUDIT_SEALER } from './secrets.js';
import { copyMigratedSqlite } from './sqlite-template.js';

export type EngineName = 'sqlite' | 'postgres';

export interface TestEngine {
  readonly name: EngineName;
  /** Set when the engine cannot run here; its suites are reported as skipped. */
  readonly skipReason?: string;
}

const POSTGRES_URL = process.env.TEST_DATABASE_URL || undefined;
const POSTGRES_SKIPPED = 'PostgreSQL tests skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test';

/** SQLite always; PostgreSQL when TEST_DATABASE_URL is set (and then an unreachable server fails the tests). */
export const engines: readonly TestEngine[] = [
  { name: 'sqlite' },
  POSTGRES_URL === undefined ? { name: 'postgres', skipReason: POSTGRES_SKIPPED } : { name: 'postgres' },
];

/** An empty database of its own, not yet opened by a store. */
export interface TestDatabase {
  readonly engine: EngineName;
  /**
   * Selects exactly this database, PostgreSQL schema included (`?schema=NAME`): give it to another
   * process as GATEHOUSE_DATABASE_URL and it sees the same rows.
   */
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly postgresSchema?: string;
  /** Runs literal SQL on the same database behind the store's back (to tamper or inspect); returns the rows. */
  sql(text: string): Promise<Array<Record<string, unknown>>>;
  /** Removes the folder and drops the schema; a test store's schema is emptied and kept for the process's next store instead. */
  cleanup(): Promise<void>;
}

export interface TestStore extends TestDatabase {
  /** Sealing the audit chain with TEST_AUDIT_SEALER, as a CLI run with cliEnvironment does. */
  readonly store: SealedStore;
}

function sqliteRunner(file: string): TestDatabase['sql'] {
  return (text) => {
    const database = new BetterSqlite3(file);
    try {
      database.pragma('busy_timeout = 5000');
      const statement = database.prepare(text);
      if (statement.reader) return Promise.resolve(statement.all() as Array<Record<string, unknown>>);
      statement.run();
      return Promise.resolve([]);
    } finally {
      database.close();
    }
  };
}

function postgresRunner(databaseUrl: string): TestDatabase['sql'] {
  return async (text) => {
    const client = new pg.Client({ connectionString: parsePostgresUrl(databaseUrl).connectionString });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(text)).rows;
    } finally {
      await client.end();
    }
  };
}

function postgresDatabase(dataDir: string, schema: string, urlParameters: Record<string, string>, drop: () => Promise<void>): TestDatabase {
  const url = new URL(POSTGRES_URL!);
  url.searchParams.set('schema', schema);
  for (const [name, value] of Object.entries(urlParameters)) url.searchParams.set(name, value);
  const databaseUrl = url.toString();
  return {
    engine: 'postgres',
    databaseUrl,
    dataDir,
    postgresSchema: schema,
    sql: postgresRunner(databaseUrl),
    cleanup: async () => {
      await drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const newSchemaName = (): string => `gatehouse_test_${process.pid}_${randomBytes(5).toString('hex')}`;

function createPostgresDatabase(dataDir: string): TestDatabase {
  if (POSTGRES_URL === undefined) throw new Error(POSTGRES_SKIPPED);
  const schema = newSchemaName();
  const sql = postgresRunner(POSTGRES_URL);
  return postgresDatabase(dataDir, schema, {}, async () => {
    await sql(`drop schema if exists "${schema}" cascade`);
  });
}

function sqliteDatabase(dataDir: string): TestDatabase {
  const file = join(dataDir, 'gatehouse.db');
  return {
    engine: 'sqlite',
    databaseUrl: `sqlite:${file}`,
    dataDir,
    sql: sqliteRunner(file),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** A fresh, empty database for `engine`: a new temp folder for SQLite, a new uniquely named schema for PostgreSQL. */
export async function createTestDatabase(engine: Pick<TestEngine, 'name'>): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  return engine.name === 'postgres' ? createPostgresDatabase(dataDir) : sqliteDatabase(dataDir);
}

interface MigratedDatabase {
  readonly database: TestDatabase;
  /** Called once a store has opened the database, and so migrated it. */
  readonly migrated: () => Promise<void>;
}

let schemaPool: SchemaPool | undefined;

/**
 * A schema from the pool, else a new one; either goes back to the pool once its store is closed. Released once only:
 * a second cleanup must not hand the schema out twice.
 */
function pooledPostgresDatabase(dataDir: string): MigratedDatabase {
  if (POSTGRES_URL === undefined) throw new Error(POSTGRES_SKIPPED);
  const pool = (schemaPool ??= createSchemaPool(parsePostgresUrl(POSTGRES_URL).connectionString));
  const pooled = pool.take();
  const schema = pooled ?? newSchemaName();
  let released: Promise<void> | undefined;
  // Named after the schema, every connection to it shows in pg_stat_activity: the pool drops a schema still in use.
  const database = postgresDatabase(dataDir, schema, { application_name: schema }, () => (released ??= pool.release(schema)));
  return { database, migrated: () => (pooled === undefined ? pool.remember(schema) : Promise.resolve()) };
}

async function copiedSqliteDatabase(dataDir: string): Promise<MigratedDatabase> {
  const database = sqliteDatabase(dataDir);
  try {
    await copyMigratedSqlite(join(dataDir, 'gatehouse.db'));
  } catch (error) {
    await database.cleanup();
    throw error;
  }
  return { database, migrated: () => Promise.resolve() };
}

// Each test store still gets a folder of its own; only the migration is done once per process.
async function migratedDatabase(engine: Pick<TestEngine, 'name'>): Promise<MigratedDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  return engine.name === 'postgres' ? pooledPostgresDatabase(dataDir) : copiedSqliteDatabase(dataDir);
}

/**
 * A migrated store on a database of its own; `cleanup()` closes it and removes the database. Within a test process the
 * migration runs once per engine: SQLite stores start from a copy of a migrated file, PostgreSQL stores reuse the
 * schemas of closed ones, emptied back to their state after migration (postgres-schema-pool.ts).
 */
export async function createTestStore(engine: Pick<TestEngine, 'name'>): Promise<TestStore> {
  const { database, migrated } = await migratedDatabase(engine);
  let store: SealedStore | undefined;
  try {
    store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir }, TEST_AUDIT_SEALER);
    await migrated();
  } catch (error) {
    await store?.close().catch(() => undefined);
    await database.cleanup().catch(() => undefined);
    throw error;
  }
  const opened = store;
  return {
    ...database,
    store: opened,
    cleanup: async () => {
      await opened.close();
      await database.cleanup();
    },
  };
}

let skipNoticePrinted = false;

/** Declares `suite` once per engine, each inside a describe named after it; engines that cannot run are reported skipped. */
export function forEachEngine(suite: (engine: TestEngine) => void): void {
  for (const engine of engines) {
    if (engine.skipReason === undefined) {
      describe(engine.name, () => suite(engine));
      continue;
    }
    if (!skipNoticePrinted) console.log(engine.skipReason);
    skipNoticePrinted = true;
    describe(engine.name, { skip: engine.skipReason }, () => undefined);
  }
}

/**
 * Declares `suite` on SQLite only: for suites of the CLI whose behaviour does not depend on the engine (option
 * parsing, secrets, output), where the store's contract tests already run the storage underneath on both.
 */
export function onSqliteOnly(suite: (engine: TestEngine) => void): void {
  describe('sqlite', () => suite(engines[0]!));
}

/** A fresh store for every test of the enclosing suite; call it inside a describe and read the current one in tests. */
export function useTestStore(engine: TestEngine): () => TestStore {
  let current: TestStore | undefined;
  beforeEach(async () => {
    current = await createTestStore(engine);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error('the test store exists only while a test runs');
    return current;
  };
}
