// Keyset slices for sweeping the large tables (see SweepSlice): a statement examines at most `rows` rows by primary key.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { SweepSlice } from '../store.js';
import type { Db } from './transaction.js';

/** The tables swept in slices, by the primary key that orders them. */
const SLICE_KEYS = { refresh_tokens: 'token_hash', token_families: 'family_id', sessions: 'session_hash' } as const;

type SlicedTable = keyof typeof SLICE_KEYS;

/** The key of the slice's last row, or null when fewer than `rows` rows follow `after` (the slice runs to the end). */
export async function sliceEnd(db: Db, table: SlicedTable, slice: SweepSlice): Promise<string | null> {
  const key = sql.ref(SLICE_KEYS[table]);
  const after = slice.after === null ? sql`` : sql`where ${key} > ${slice.after}`;
  const { rows } = await sql<{ last_key: string }>`select ${key} as last_key from ${sql.table(table)} ${after}
    order by ${key} limit 1 offset ${slice.rows - 1}`.execute(db);
  return rows[0]?.last_key ?? null;
}

/** The condition that keeps a statement on `table` within the slice that ends at `end` (sliceEnd). */
export function inSlice(table: SlicedTable, slice: SweepSlice, end: string | null): RawBuilder<SqlBool> {
  const key = sql.ref(SLICE_KEYS[table]);
  const lower = slice.after === null ? sql`1 = 1` : sql`${key} > ${slice.after}`;
  const upper = end === null ? sql`1 = 1` : sql`${key} <= ${end}`;
  return sql<SqlBool>`${lower} and ${upper}`;
}
