// `--prefill N`: before Gatehouse starts, its database gets the rows of a large deployment, with random keys as real
// ones have: N refresh tokens, N authorization codes (a day of them, redeemed), N/5 token families, N/10 users with a
// session each. The measured requests then work on B-trees of that size, and the sweep has that much to walk. The rows
// belong to the first registered client and to users of their own, so the bench's own clients and users are untouched.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { parsePostgresUrl } from '../src/store/postgres.js';

type Engine = 'sqlite' | 'postgres';

interface Column {
  readonly name: string;
  readonly notNull: boolean;
  readonly numeric: boolean;
}

/** A table's rows: how many, and the SQL expression of each column that matters; `n` is the row's number from 1. */
interface TableFill {
  readonly table: string;
  readonly rows: number;
  readonly values: Readonly<Record<string, string>>;
}

function fills(engine: Engine, rows: number, now: number): TableFill[] {
  const random = engine === 'sqlite' ? 'lower(hex(randomblob(32)))' : 'md5(random()::text || n::text)';
  const families = Math.max(1, Math.floor(rows / 5));
  const users = Math.max(1, Math.floor(rows / 10));
  const client = '(select min(client_id) from clients)';
  const user = (spread: number) => `'prefill-user-' || (1 + n % ${spread})`;
  return [
    { table: 'users', rows: users, values: { user_id: "'prefill-user-' || n", username: "'prefill-' || n", disabled_at: 'null' } },
    {
      table: 'token_families',
      rows: families,
      values: {
        family_id: "'prefill-family-' || n", client_id: client, user_id: user(users), authorization_code_hash: random,
        created_at: `${now} - n % 500000`, expires_at: `${now} + 7776000`, revoked_at: 'null', revoked_reason: 'null', resources: "'[]'",
      },
    },
    {
      table: 'refresh_tokens',
      rows,
      values: {
        token_hash: random, family_id: `'prefill-family-' || (1 + n % ${families})`, client_id: client,
        issued_at: `${now} - n % 500000`, expires_at: `${now} + 1209600`, rotated_at: `${now} - n % 500000`,
      },
    },
    {
      table: 'sessions',
      rows: users,
      values: {
        session_hash: random, session_id: random, user_id: "'prefill-user-' || n", created_at: `${now}`,
        idle_expires_at: `${now} + 1800`, absolute_expires_at: `${now} + 86400`, ended_at: 'null',
      },
    },
    {
      table: 'authorization_codes',
      rows,
      values: {
        code_hash: random, client_id: client, user_id: user(users), created_at: `${now} - n % 86400`,
        expires_at: `${now} - n % 86400 + 60`, consumed_at: `${now} - n % 86400 + 5`, resources: "'[]'",
      },
    },
  ];
}

/** A value for a column the fill does not name: null where allowed, else a number or a text unique to the row. */
function placeholder(column: Column): string {
  if (!column.notNull) return 'null';
  return column.numeric ? '0' : "'prefill-' || n";
}

function insertSql(engine: Engine, fill: TableFill, columns: readonly Column[]): string {
  const names = columns.map((column) => `"${column.name}"`).join(', ');
  const values = columns.map((column) => fill.values[column.name] ?? placeholder(column)).join(', ');
  const numbers = engine === 'sqlite'
    ? `(with recursive numbers(n) as (select 1 union all select n + 1 from numbers where n < ${fill.rows}) select n from numbers) as numbers`
    : `generate_series(1, ${fill.rows}) as numbers(n)`;
  return `insert into "${fill.table}" (${names}) select ${values} from ${numbers}`;
}

export function prefillSqlite(file: string, rows: number, now = Math.floor(Date.now() / 1000)): void {
  const database = new BetterSqlite3(file);
  try {
    database.pragma('foreign_keys = ON');
    database.transaction(() => {
      for (const fill of fills('sqlite', rows, now)) {
        const columns = (database.prepare(`pragma table_info("${fill.table}")`).all() as { name: string; notnull: number; type: string }[])
          .map((column) => ({ name: column.name, notNull: column.notnull === 1, numeric: /int|real|num/i.test(column.type) }));
        database.exec(insertSql('sqlite', fill, columns));
      }
    })();
  } finally {
    database.close();
  }
}

export async function prefillPostgres(url: string, rows: number, now = Math.floor(Date.now() / 1000)): Promise<void> {
  // Gatehouse's own reading of the URL, so a `?schema=` selects the same tables the server uses.
  const client = new pg.Client({ connectionString: parsePostgresUrl(url).connectionString });
  await client.connect();
  try {
    await client.query('begin');
    for (const fill of fills('postgres', rows, now)) {
      const { rows: described } = await client.query<{ column_name: string; is_nullable: string; data_type: string }>(
        'select column_name, is_nullable, data_type from information_schema.columns where table_schema = current_schema() and table_name = $1',
        [fill.table],
      );
      if (described.length === 0) throw new Error(`prefill: no table ${fill.table} in the database: is it migrated?`);
      const columns = described.map((column) => ({ name: column.column_name, notNull: column.is_nullable === 'NO', numeric: /int|numeric|double|real/i.test(column.data_type) }));
      await client.query(insertSql('postgres', fill, columns));
    }
    await client.query('commit');
    // As a database that grew to this size would be: the planner knows the tables' sizes (autovacuum would have run
    // analyze), and the pages written are on disk, not left for the checkpointer to write during the measurement.
    // CHECKPOINT needs a superuser, or pg_checkpoint on PostgreSQL 15.
    await client.query('analyze');
    await client.query('checkpoint');
  } finally {
    await client.end();
  }
}
