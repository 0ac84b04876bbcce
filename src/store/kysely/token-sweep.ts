// Sweep slices of the token_families and refresh_tokens tables: what no request can use any more goes.
import type { SliceSwept, SweepSlice } from '../store.js';
import { inSlice, sliceEnd } from './sweep-slice.js';
import type { Db } from './transaction.js';

/** In `slice`, the refresh tokens past their idle expiry before `before`. */
export async function deleteExpiredRefreshTokens(db: Db, before: number, slice: SweepSlice): Promise<SliceSwept<number>> {
  const end = await sliceEnd(db, 'refresh_tokens', slice);
  const result = await db.deleteFrom('refresh_tokens').where(inSlice('refresh_tokens', slice, end)).where('expires_at', '<', before).executeTakeFirst();
  return { removed: Number(result.numDeletedRows), next: end };
}

/** In `slice`, the families that expired or were revoked before `before`, or were created before it and hold no refresh token. */
export async function deleteExpiredFamilies(db: Db, before: number, slice: SweepSlice): Promise<SliceSwept<number>> {
  const end = await sliceEnd(db, 'token_families', slice);
  // The refresh tokens still in a family go with it (ON DELETE CASCADE): those of a revoked family, since idle-expired
  // ones were swept before. Looking up each token's family instead, in the refresh tokens' own sweep, cost six
  // times as much as the whole sweep of that table.
  const result = await db
    .deleteFrom('token_families')
    .where(inSlice('token_families', slice, end))
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', before),
        eb('revoked_at', '<', before),
        eb.and([
          eb('created_at', '<', before),
          eb.not(eb.exists(eb.selectFrom('refresh_tokens').select('token_hash').whereRef('refresh_tokens.family_id', '=', 'token_families.family_id'))),
        ]),
      ]),
    )
    .executeTakeFirst();
  return { removed: Number(result.numDeletedRows), next: end };
}
