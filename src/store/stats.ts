// `gatehouse db stats`: row counts and on-disk size per table, read without migrating or writing anything.
import { statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { engineOf, type OpenStoreOptions } from './open.js';
import { mapPostgresError, parsePostgresUrl } from './postgres.js';
import { resolveSqliteFile, unavailable } from './sqlite.js';
import { StoreUnavailableError } from './store.js';

export interface TableStats {
  readonly table: string;
  /** Exact: count(*) over the table. */
  readonly rows: number;
  /** The table with its indexes (and, on PostgreSQL, its TOAST data). */
  readonly bytes: number;
}

export interface DatabaseStats {
  readonly engine: 'sqlite' | 'postgres';
  /** Where the tables are: the SQLite file, or PostgreSQL host:port and schema (never a password). */
  readonly location: string;
  readonly tables: readonly TableStats[];
  readonly totals: { readonly rows: number; readonly bytes: number };
  /** SQLite: the size of the database file and of the files SQLite keeps beside it in WAL mode (0 when absent). */
  readonly files?: { readonly database: number; readonly wal: number; readonly shm: number };
}

const CONNECT_TIMEOUT_MS = 10_000;

function withTotals(stats: Omit<DatabaseStats, 'totals'>): DatabaseStats {
  const tables = [...stats.tables].sort((a, b) => a.table.localeCompare(b.table));
  const totals = tables.reduce((sum, table) => ({ rows: sum.rows + table.rows, bytes: sum.bytes + table.bytes }), { rows: 0, bytes: 0 });
  return { ...stats, tables, totals };
}

const sizeOf = (path: string): number => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** SQLite through the dbstat virtual table (better-sqlite3 is built with SQLITE_ENABLE_DBSTAT_VTAB): pages per table and index. */
function readSqliteStats(file: string): DatabaseStats {
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new StoreUnavailableError(`no SQLite database at ${file}`);
  let database: BetterSqlite3.Database | undefined;
  try {
    database = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const owners = database.prepare("select name, tbl_name as owner from sqlite_schema where type in ('table', 'index')").all() as { name: string; owner: string }[];
    const ownerOf = new Map(owners.map(({ name, owner }) => [name, owner]));
    const bytes = new Map<string, number>();
    for (const { name, size } of database.prepare('select name, sum(pgsize) as size from dbstat group by name').all() as { name: string; size: number }[]) {
      const owner = ownerOf.get(name) ?? name;
      bytes.set(owner, (bytes.get(owner) ?? 0) + size);
    }
    const names = owners.filter(({ name, owner }) => name === owner && !name.startsWith('sqlite_')).map(({ name }) => name);
    const open = database;
    const tables = names.map((table) => {
      const { rows } = open.prepare(`select count(*) as rows from "${table.replaceAll('"', '""')}"`).get() as { rows: number };
      return { table, rows, bytes: bytes.get(table) ?? 0 };
    });
    const files = { database: sizeOf(file), wal: sizeOf(`${file}-wal`), shm: sizeOf(`${file}-shm`) };
    return withTotals({ engine: 'sqlite', location: file, tables, files });
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    throw unavailable(file, error);
  } finally {
    database?.close();
  }
}

/** PostgreSQL: pg_total_relation_size per table of the schema, and an exact count(*), inside a read-only transaction. */
async function readPostgresStats(databaseUrl: string, schemaOverride: string | undefined): Promise<DatabaseStats> {
  const target = parsePostgresUrl(databaseUrl, schemaOverride);
  const client = new pg.Client({ connectionString: target.connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server going away mid-query emits 'error' on the client; the query's own rejection reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('begin read only');
    const sizes = await client.query<{ table: string; bytes: string }>(
      `select c.relname as table, pg_total_relation_size(c.oid) as bytes from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind in ('r', 'p')`,
      [target.schema],
    );
    const tables: TableStats[] = [];
    for (const { table, bytes } of sizes.rows) {
      const counted = await client.query<{ rows: string }>(`select count(*) as rows from ${client.escapeIdentifier(target.schema)}.${client.escapeIdentifier(table)}`);
      tables.push({ table, rows: Number(counted.rows[0]?.rows ?? 0), bytes: Number(bytes) });
    }
    await client.query('commit');
    if (tables.length === 0) throw new StoreUnavailableError(`no Gatehouse tables in schema ${target.schema} at PostgreSQL ${target.address}: run gatehouse migrate first`);
    return withTotals({ engine: 'postgres', location: `${target.address} schema ${target.schema}`, tables });
  } catch (error) {
    throw mapPostgresError(target.address)(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** @throws StoreUnavailableError with a one-line message naming the file or host, never a password */
export async function readDatabaseStats(options: OpenStoreOptions): Promise<DatabaseStats> {
  const url = options.databaseUrl;
  return engineOf(url) === 'postgres' ? await readPostgresStats(url!, options.postgresSchema) : readSqliteStats(resolveSqliteFile(url, options.dataDir));
}
