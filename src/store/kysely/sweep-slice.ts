// Keyset slices for sweeping the large tables (see SweepSlice): a statement examines at most `rows` rows by primary key.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { SweepSlice } from '../store.js';
import type { Db } from './transaction.js';

type SlicedTable = 'refresh_tokens' | 'token_families' | 'sessions';

/** The key of the slice's last row, or null when fewer than `rows` rows follow `after` (the slice runs to the end). */
export async function sliceEnd(db: Db, table: SlicedTable, key: string, slice: SweepSlice): Promise<string | null> {
  const after = slice.after === null ? sql`` : sql`where ${sql.ref(key)} > ${slice.after}`;
  const { rows } = await sql<{ last_key: string }>`select ${sql.ref(key)} as last_key from ${sql.table(table)} ${after}
    order by ${sql.ref(key)} limit 1 offset ${slice.rows - 1}`.execute(db);
  return rows[0]?.last_key ?? null;
}

/** The condition that keeps a statement within the slice that ends at `end` (sliceEnd). */
export function inSlice(key: string, slice: SweepSlice, end: string | null): RawBuilder<SqlBool> {
  const lower = slice.after === null ? sql`1 = 1` : sql`${sql.ref(key)} > ${slice.after}`;
  const upper = end === null ? sql`1 = 1` : sql`${sql.ref(key)} <= ${end}`;
  return sql<SqlBool>`${lower} and ${upper}`;
}
