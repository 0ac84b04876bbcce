// The authorization_codes table: single-use codes consumed with one conditional update.
import type { AuthorizationCodeRecord, ConsumeResult } from '../records.js';
import type { AuthorizationCodeRepository } from '../store.js';
import type { AuthorizationCodesTable } from './database.js';
import { parseStringList } from './json-columns.js';
import { paramRow, prepareQuery, type Param } from './prepared-query.js';
import type { Db } from './transaction.js';

function authorizationCodeToRow(code: AuthorizationCodeRecord): AuthorizationCodesTable {
  return {
    code_hash: code.codeHash,
    client_id: code.clientId,
    user_id: code.userId,
    session_id: code.sessionId,
    redirect_uri: code.redirectUri,
    redirect_uri_sent: code.redirectUriSent ? 1 : 0,
    scope: code.scope,
    code_challenge: code.codeChallenge,
    code_challenge_method: code.codeChallengeMethod,
    nonce: code.nonce,
    auth_time: code.authTime,
    resources: JSON.stringify(code.resources),
    api_scope: code.apiScope,
    dpop_jkt: code.dpopJkt,
    flow_id: code.flowId,
    created_at: code.createdAt,
    expires_at: code.expiresAt,
    consumed_at: code.consumedAt,
  };
}

function rowToAuthorizationCode(row: AuthorizationCodesTable): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    userId: row.user_id,
    sessionId: row.session_id,
    redirectUri: row.redirect_uri,
    redirectUriSent: row.redirect_uri_sent === 1,
    scope: row.scope,
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method,
    nonce: row.nonce,
    authTime: row.auth_time,
    resources: parseStringList(row.resources),
    apiScope: row.api_scope,
    dpopJkt: row.dpop_jkt,
    flowId: row.flow_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

const insertCode = prepareQuery((db, param: Param<AuthorizationCodesTable>) =>
  db.insertInto('authorization_codes').values(
    paramRow(param, {
      code_hash: true,
      client_id: true,
      user_id: true,
      session_id: true,
      redirect_uri: true,
      redirect_uri_sent: true,
      scope: true,
      code_challenge: true,
      code_challenge_method: true,
      nonce: true,
      auth_time: true,
      resources: true,
      api_scope: true,
      dpop_jkt: true,
      flow_id: true,
      created_at: true,
      expires_at: true,
      consumed_at: true,
    }),
  ),
);

// RFC 6749 §4.1.2: a code is used once; the check and the mark are one statement so concurrent callers cannot both win.
const consumeCode = prepareQuery((db, param: Param<{ codeHash: string; now: number }>) =>
  db
    .updateTable('authorization_codes')
    .set({ consumed_at: param('now') })
    .where('code_hash', '=', param('codeHash'))
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', param('now'))
    .returningAll(),
);

const findCodeByHash = prepareQuery((db, param: Param<{ codeHash: string }>) =>
  db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', param('codeHash')),
);

export class KyselyAuthorizationCodeRepository implements AuthorizationCodeRepository {
  constructor(private readonly db: Db) {}

  async create(code: AuthorizationCodeRecord): Promise<void> {
    await insertCode.executeWrite(this.db, authorizationCodeToRow(code));
  }

  async consume(codeHash: string, now: number): Promise<ConsumeResult<AuthorizationCodeRecord>> {
    const redeemed = await consumeCode.executeTakeFirst(this.db, { codeHash, now });
    if (redeemed) return { outcome: 'redeemed', record: rowToAuthorizationCode(redeemed) };

    const row = await findCodeByHash.executeTakeFirst(this.db, { codeHash });
    if (!row) return { outcome: 'unknown' };
    const record = rowToAuthorizationCode(row);
    // A consumed code is a replay even once expired: the caller must still revoke what it issued.
    return { outcome: record.consumedAt === null ? 'expired' : 'replayed', record };
  }

  async deleteExpired(before: number, limit: number): Promise<number> {
    // One batch in one statement on both engines: SQLite has no DELETE ... LIMIT, so the keys come from a subquery.
    const expired = this.db.selectFrom('authorization_codes').select('code_hash').where('expires_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('authorization_codes').where('code_hash', 'in', expired).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
