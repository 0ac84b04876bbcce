// The revoked_access_tokens table: the jti deny list, written once per token and swept once the token has expired.
import type { RevokedAccessTokenRecord } from '../records.js';
import type { RevokedAccessTokenRepository } from '../store.js';
import { prepareQuery, type Param } from './prepared-query.js';
import type { Db } from './transaction.js';

const findRevokedToken = prepareQuery((db, param: Param<{ tokenId: string }>) =>
  db.selectFrom('revoked_access_tokens').select('token_id').where('token_id', '=', param('tokenId')),
);

export class KyselyRevokedAccessTokenRepository implements RevokedAccessTokenRepository {
  constructor(private readonly db: Db) {}

  async add(entry: RevokedAccessTokenRecord): Promise<boolean> {
    const row = await this.db
      .insertInto('revoked_access_tokens')
      .values({ token_id: entry.tokenId, client_id: entry.clientId, revoked_at: entry.revokedAt, expires_at: entry.expiresAt })
      // Revoking twice (or two instances at once) keeps the first entry; one statement, so no race.
      .onConflict((conflict) => conflict.column('token_id').doNothing())
      .returning('token_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const row = await findRevokedToken.executeTakeFirst(this.db, { tokenId });
    return row !== undefined;
  }

  async deleteExpired(before: number, limit: number): Promise<number> {
    const expired = this.db.selectFrom('revoked_access_tokens').select('token_id').where('expires_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('revoked_access_tokens').where('token_id', 'in', expired).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
