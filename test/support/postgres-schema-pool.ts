// Migrated PostgreSQL test schemas, reused within a test process: migrating one costs about half a second of server
// time, checking and emptying one about a fifth of that.
import pg from 'pg';
import { qualified, schemaState } from './postgres-schema-fingerprint.js';

const MIGRATION_BOOKKEEPING = ['kysely_migration', 'kysely_migration_lock'];

/** What a schema looked like right after its migration, and how to bring its rows back to that. */
interface Baseline {
  readonly fingerprint: string;
  /** Empties every table and puts back the rows the migrations inserted, as one implicit transaction. */
  readonly resetSql: string;
}

/** Stores on a pooled schema connect with `application_name` set to the schema's name. */
export interface SchemaPool {
  /** A schema migrated and reset earlier in this process, or undefined when none is free. */
  take(): string | undefined;
  /** Records the state of a schema a store has just migrated: only such schemas are ever reused. */
  remember(schema: string): Promise<void>;
  /** Resets the schema for the next store, or drops it when it cannot be made as good as new. */
  release(schema: string): Promise<void>;
}

async function tablesOf(admin: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ tablename: string }>(
    'select tablename from pg_tables where schemaname = $1 and tablename <> all($2) order by tablename',
    [schema, MIGRATION_BOOKKEEPING],
  );
  return rows.map((row) => row.tablename);
}

/** The rows of every table that has any, as JSON arrays: whatever the migrations inserted. */
async function rowsOf(admin: pg.Pool, schema: string, tables: readonly string[]): Promise<Map<string, string>> {
  const union = tables
    .map((name) => `select ${pg.escapeLiteral(name)} as name, json_agg(r)::text as rows from ${qualified(schema, name)} r`)
    .join(' union all ');
  const { rows } = await admin.query<{ name: string; rows: string | null }>(union);
  return new Map(rows.flatMap((row) => (row.rows === null ? [] : [[row.name, row.rows] as const])));
}

// Simple-query statements: several in one query run as one implicit transaction, and a failure rolls them all back.
// DELETE, not TRUNCATE: TRUNCATE gives every table and index a new file, rewriting over a hundred catalog rows (about
// 80 ms), where deleting a test's few rows takes a millisecond or two. The schema has no sequences to restart, and
// every foreign key cascades on delete, so the order of the deletes does not matter.
function resetSqlFor(schema: string, tables: readonly string[], rows: ReadonlyMap<string, string>): string {
  const deletes = tables.map((name) => `delete from ${qualified(schema, name)}`);
  const inserts = [...rows].map(
    ([name, json]) => `insert into ${qualified(schema, name)} select * from json_populate_recordset(null::${qualified(schema, name)}, ${pg.escapeLiteral(json)})`,
  );
  return [...deletes, ...inserts].join(';\n');
}

async function baselineOf(admin: pg.Pool, schema: string): Promise<Baseline> {
  const tables = await tablesOf(admin, schema);
  const rows = await rowsOf(admin, schema, tables);
  return { fingerprint: (await schemaState(admin, schema)).fingerprint, resetSql: resetSqlFor(schema, tables, rows) };
}

/**
 * With autovacuum off, as in CI, the catalogs fill with the dead rows of every schema the suite dropped, and the planner
 * estimates catalog queries high enough to compile them just in time: that took 50 to 700 ms, the query itself 10.
 */
function withoutJit(connectionString: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('options', [url.searchParams.get('options'), '-c jit=off'].filter(Boolean).join(' '));
  return url.toString();
}

/** `connectionString` reaches the test database as a role that may create and drop schemas. */
export function createSchemaPool(connectionString: string): SchemaPool {
  const baselines = new Map<string, Baseline>();
  const free: string[] = [];
  let admin: pg.Pool | undefined;
  let drained = false;

  // Idle connections must not keep a finished test process alive, or it would never reach beforeExit, nor hold
  // connections other test files need: the suite runs near the server's connection limit.
  const connection = (): pg.Pool =>
    (admin ??= new pg.Pool({ connectionString: withoutJit(connectionString), max: 2, idleTimeoutMillis: 1000, allowExitOnIdle: true }));

  const drop = async (schemas: readonly string[]): Promise<void> => {
    if (schemas.length > 0) await connection().query(`drop schema if exists ${schemas.map((schema) => pg.escapeIdentifier(schema)).join(', ')} cascade`);
  };

  // node:test runs each file in a process of its own, which ends once its event loop is empty: beforeExit may then
  // start async work, after which it fires again.
  const dropFreeSchemasAtExit = async (): Promise<void> => {
    if (drained) return;
    drained = true;
    await drop(free.splice(0));
    await admin?.end();
  };
  process.on('beforeExit', () => void dropFreeSchemasAtExit());

  // A server or process still connected (a test that did not stop it) could write after the reset: such a schema is
  // dropped, as every schema was before pooling, and the late writes fail instead of landing in another test's store.
  const reset = async (schema: string): Promise<boolean> => {
    const baseline = baselines.get(schema);
    if (baseline === undefined) return false;
    const { fingerprint, connections } = await schemaState(connection(), schema);
    if (fingerprint !== baseline.fingerprint || connections > 0) return false;
    await connection().query(baseline.resetSql);
    return true;
  };

  return {
    take: () => free.pop(),
    remember: async (schema) => {
      baselines.set(schema, await baselineOf(connection(), schema));
    },
    release: async (schema) => {
      if (await reset(schema).catch(() => false)) {
        free.push(schema);
        return;
      }
      baselines.delete(schema);
      await drop([schema]);
    },
  };
}
