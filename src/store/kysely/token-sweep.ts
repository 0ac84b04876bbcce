// Sweep batches for the token_families and refresh_tokens tables: what no request can use any more goes.
import type { Db } from './transaction.js';

/** Up to `limit` refresh tokens past their idle expiry, or of a family that expired or was revoked, before `before`. */
export async function deleteExpiredRefreshTokens(db: Db, before: number, limit: number): Promise<number> {
  const deadFamilies = db
    .selectFrom('token_families')
    .select('family_id')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]));
  const expired = db
    .selectFrom('refresh_tokens')
    .select('token_hash')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('family_id', 'in', deadFamilies)]))
    .limit(limit);
  const result = await db.deleteFrom('refresh_tokens').where('token_hash', 'in', expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Up to `limit` families that expired or were revoked before `before`, or were created before it and hold no refresh token. */
export async function deleteExpiredFamilies(db: Db, before: number, limit: number): Promise<number> {
  const expired = db
    .selectFrom('token_families')
    .select('family_id')
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
    .limit(limit);
  // Any refresh tokens still in a family go with it (ON DELETE CASCADE); the sweep removes them in batches first.
  const result = await db.deleteFrom('token_families').where('family_id', 'in', expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}
