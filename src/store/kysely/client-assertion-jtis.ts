// The client_assertion_jtis table: the `jti` (hashed) of every client assertion accepted, until it expires (RFC 7523 §3).
import type { ClientAssertionJtiRepository } from '../store.js';
import type { Db } from './transaction.js';

export class KyselyClientAssertionJtiRepository implements ClientAssertionJtiRepository {
  constructor(private readonly db: Db) {}

  async markUsed(clientId: string, jtiHash: string, expiresAt: number, now: number): Promise<boolean> {
    const row = await this.db
      .insertInto('client_assertion_jtis')
      .values({ client_id: clientId, jti_hash: jtiHash, expires_at: expiresAt })
      // One statement: of concurrent uses of one jti exactly one inserts (or takes over a row already expired).
      .onConflict((conflict) =>
        conflict
          .columns(['client_id', 'jti_hash'])
          .doUpdateSet({ expires_at: expiresAt })
          .where('client_assertion_jtis.expires_at', '<=', now),
      )
      .returning('jti_hash')
      .executeTakeFirst();
    return row !== undefined;
  }

  async deleteExpired(before: number, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('client_assertion_jtis')
      .where((eb) =>
        eb(
          eb.refTuple('client_id', 'jti_hash'),
          'in',
          eb
            .selectFrom('client_assertion_jtis as expired')
            .select(['expired.client_id', 'expired.jti_hash'])
            .where('expired.expires_at', '<', before)
            .limit(limit)
            .$asTuple('client_id', 'jti_hash'),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
