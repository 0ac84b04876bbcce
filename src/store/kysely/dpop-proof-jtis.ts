// The dpop_proof_jtis table: the key-scoped `jti` (hashed) of every DPoP proof accepted, while it could be accepted (RFC 9449 §11.1).
import type { DpopProofJtiRepository } from '../store.js';
import type { Db } from './transaction.js';

export class KyselyDpopProofJtiRepository implements DpopProofJtiRepository {
  constructor(private readonly db: Db) {}

  async markUsed(jtiHash: string, expiresAt: number, now: number): Promise<boolean> {
    const row = await this.db
      .insertInto('dpop_proof_jtis')
      .values({ jti_hash: jtiHash, expires_at: expiresAt })
      // One statement: of concurrent uses of one jti exactly one inserts (or takes over a row already expired).
      .onConflict((conflict) => conflict.column('jti_hash').doUpdateSet({ expires_at: expiresAt }).where('dpop_proof_jtis.expires_at', '<=', now))
      .returning('jti_hash')
      .executeTakeFirst();
    return row !== undefined;
  }

  async deleteExpired(before: number, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('dpop_proof_jtis')
      .where('jti_hash', 'in', (eb) => eb.selectFrom('dpop_proof_jtis as expired').select('expired.jti_hash').where('expired.expires_at', '<', before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
