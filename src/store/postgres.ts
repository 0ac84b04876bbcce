// The production engine: a pg Pool, schema selection through search_path, the migration lock and error mapping.
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { EngineConnection } from './engine.js';
import type { Database } from './kysely/database.js';
import { withErrorMapping } from './kysely/error-mapping.js';
import { migrateToLatest } from './migrations/provider.js';
import { SchemaScopedIntrospector } from './postgres-introspector.js';
import { DuplicateError, StoreUnavailableError } from './store.js';

// Lower-case only: PostgreSQL folds the unquoted name in `-c search_path=` to lower case.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;
// SQLSTATE classes meaning the server cannot serve us: connection exception, invalid authorization,
// unknown database, insufficient resources, operator intervention (shutdown, database dropped).
const UNAVAILABLE_SQLSTATE = /^(08|28|3D|53|57P)/;
const DRIVER_CONNECTION_FAILURE = /^(Connection terminated|timeout exceeded when trying to connect)/;

export interface PostgresTarget {
  /** The URL without `schema`, its `options` setting search_path so every pooled connection starts in the schema. */
  readonly connectionString: string;
  readonly schema: string;
  /** host:port for messages; the URL itself may hold a password. */
  readonly address: string;
}

/**
 * Reads a `postgres://` or `postgresql://` URL. `?schema=NAME` (or `schemaOverride`, which wins)
 * selects the PostgreSQL schema holding Gatehouse's tables; the default is `public`.
 */
export function parsePostgresUrl(databaseUrl: string, schemaOverride?: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new StoreUnavailableError('the PostgreSQL database URL is not a valid URL');
  }
  const schema = schemaOverride ?? url.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreUnavailableError('invalid PostgreSQL schema name: expected lower-case letters, digits and _ (at most 63)');
  }
  url.searchParams.delete('schema');
  const options = [url.searchParams.get('options'), `-c search_path=${schema}`].filter(Boolean).join(' ');
  url.searchParams.set('options', options);
  return { connectionString: url.toString(), schema, address: `${url.hostname || 'localhost'}:${url.port || '5432'}` };
}

function networkErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  // System error codes (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ...), not Node's own ERR_* programming errors.
  if ('code' in error && typeof error.code === 'string') return /^E(?!RR_)[A-Z_]+$/.test(error.code) ? error.code : undefined;
  // Several addresses tried at once (IPv6 and IPv4) fail as one AggregateError.
  if (error instanceof AggregateError) return networkErrorCode(error.errors[0]);
  return DRIVER_CONNECTION_FAILURE.test(error.message) ? error.message : undefined;
}

/** Maps driver errors: unique violations name their column, connection failures make the store unavailable. */
export function mapPostgresError(address: string): (error: unknown) => unknown {
  return (error) => {
    if (error instanceof pg.DatabaseError) {
      if (error.code === '23505') {
        // detail reads "Key (client_name)=(...) already exists."
        return new DuplicateError(/^Key \(([^)]+)\)=/.exec(error.detail ?? '')?.[1] ?? error.constraint ?? 'unknown');
      }
      if (error.code !== undefined && UNAVAILABLE_SQLSTATE.test(error.code)) {
        return new StoreUnavailableError(`cannot connect to PostgreSQL at ${address}: ${error.message} (${error.code})`, { cause: error });
      }
      return error;
    }
    const code = networkErrorCode(error);
    return code === undefined ? error : new StoreUnavailableError(`cannot connect to PostgreSQL at ${address}: ${code}`, { cause: error });
  };
}

// int8 columns (epoch seconds, audit sequence) arrive as numbers, as they do from SQLite; they stay below 2^53.
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)),
};

function migrationLockKey(schema: string): string {
  return createHash('sha256').update(`gatehouse:migrate:${schema}`).digest().readBigInt64BE(0).toString();
}

async function migrate(db: Kysely<Database>, schema: string): Promise<readonly string[]> {
  const lockKey = migrationLockKey(schema);
  return db.connection().execute(async (connection) => {
    // A session lock held on a connection of its own: instances starting together queue here, and the
    // schema is created and migrated once.
    await sql`select pg_advisory_lock(${lockKey})`.execute(connection);
    try {
      const existing = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(connection);
      // Only when missing: CREATE SCHEMA needs a privilege a production role may lack for an existing schema.
      if (existing.rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(connection);
      return await migrateToLatest(db, schema);
    } finally {
      await sql`select pg_advisory_unlock(${lockKey})`.execute(connection);
    }
  });
}

/** Creates the pool; nothing connects until the first query. */
export function connectPostgres(target: PostgresTarget): EngineConnection {
  const pool = new pg.Pool({ connectionString: target.connectionString, types, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server emits 'error' on the pool, which would otherwise crash the process;
  // the next query reports the outage as StoreUnavailableError.
  pool.on('error', () => undefined);
  const mapped = withErrorMapping(new PostgresDialect({ pool }), mapPostgresError(target.address));
  const dialect = { ...mapped, createIntrospector: (db: Kysely<unknown>) => new SchemaScopedIntrospector(db, target.schema) };
  const db = new Kysely<Database>({ dialect });
  return { engine: 'postgres', db, migrate: () => migrate(db, target.schema) };
}
