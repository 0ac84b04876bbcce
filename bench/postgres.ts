// A fresh PostgreSQL database per Gatehouse start, dropped afterwards, and the rows written to it
// by table (pg_stat_user_tables: inserted, updated and deleted tuples, as the cumulative statistics have them).
import pg from 'pg';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Rows inserted, updated and deleted, by table. */
export type TableWrites = Record<string, { readonly inserted: number; readonly updated: number; readonly deleted: number }>;

export interface BenchDatabase {
  readonly url: string;
  /** Rows written so far, as flushed to the statistics by backends that ended or went idle. */
  tableWrites(): Promise<TableWrites>;
  drop(): Promise<void>;
}

/** What was written between two readings, per operation, leaving out tables nothing was written to. */
export function writesPerOperation(before: TableWrites, after: TableWrites, operations: number): TableWrites {
  const perOperation: TableWrites = {};
  for (const [table, rows] of Object.entries(after)) {
    const earlier = before[table] ?? { inserted: 0, updated: 0, deleted: 0 };
    const delta = { inserted: rows.inserted - earlier.inserted, updated: rows.updated - earlier.updated, deleted: rows.deleted - earlier.deleted };
    if (delta.inserted + delta.updated + delta.deleted === 0) continue;
    perOperation[table] = { inserted: delta.inserted / operations, updated: delta.updated / operations, deleted: delta.deleted / operations };
  }
  return perOperation;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(adminUrl: string, label: string): Promise<BenchDatabase> {
  const name = `gatehouse_bench_${process.pid}_${label.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    tableWrites: () =>
      withClient(url.toString(), async (client) => {
        const result = await client.query<{ relname: string; ins: string; upd: string; del: string }>(
          'SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables',
        );
        return Object.fromEntries(result.rows.map((row) => [row.relname, { inserted: Number(row.ins), updated: Number(row.upd), deleted: Number(row.del) }]));
      }),
    drop: () => withClient(adminUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
