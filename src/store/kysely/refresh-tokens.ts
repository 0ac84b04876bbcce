// The token_families and refresh_tokens tables: grants, rotation with one conditional update, and revocation.
import type { ConsumeResult, RefreshTokenRecord, TokenFamilyRecord } from '../records.js';
import type { RefreshTokenRepository } from '../store.js';
import type { RefreshTokensTable, TokenFamiliesTable } from './database.js';
import type { Db } from './transaction.js';

function tokenFamilyToRow(family: TokenFamilyRecord): TokenFamiliesTable {
  return {
    family_id: family.familyId,
    client_id: family.clientId,
    user_id: family.userId,
    scope: family.scope,
    session_id: family.sessionId,
    auth_time: family.authTime,
    authorization_code_hash: family.authorizationCodeHash,
    created_at: family.createdAt,
    expires_at: family.expiresAt,
    revoked_at: family.revokedAt,
    revoked_reason: family.revokedReason,
  };
}

function rowToTokenFamily(row: TokenFamiliesTable): TokenFamilyRecord {
  return {
    familyId: row.family_id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: row.scope,
    sessionId: row.session_id,
    authTime: row.auth_time,
    authorizationCodeHash: row.authorization_code_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}

function rowToRefreshToken(row: RefreshTokensTable): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    familyId: row.family_id,
    clientId: row.client_id,
    scope: row.scope,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    rotatedAt: row.rotated_at,
  };
}

export class KyselyRefreshTokenRepository implements RefreshTokenRepository {
  constructor(private readonly db: Db) {}

  async createFamily(family: TokenFamilyRecord): Promise<void> {
    await this.db.insertInto('token_families').values(tokenFamilyToRow(family)).execute();
  }

  async findFamily(familyId: string): Promise<TokenFamilyRecord | undefined> {
    const row = await this.db.selectFrom('token_families').selectAll().where('family_id', '=', familyId).executeTakeFirst();
    return row && rowToTokenFamily(row);
  }

  async create(token: RefreshTokenRecord): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        token_hash: token.tokenHash,
        family_id: token.familyId,
        client_id: token.clientId,
        scope: token.scope,
        issued_at: token.issuedAt,
        expires_at: token.expiresAt,
        rotated_at: token.rotatedAt,
      })
      .execute();
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && rowToRefreshToken(row);
  }

  async rotate(tokenHash: string, now: number): Promise<ConsumeResult<RefreshTokenRecord>> {
    // SECURITY.md: a refresh token works once; the check and the mark are one statement so concurrent callers cannot both win.
    const rotated = await this.db
      .updateTable('refresh_tokens')
      .set({ rotated_at: now })
      .where('token_hash', '=', tokenHash)
      .where('rotated_at', 'is', null)
      .where('expires_at', '>', now)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('token_families')
            .select('token_families.family_id')
            .whereRef('token_families.family_id', '=', 'refresh_tokens.family_id')
            .where('token_families.revoked_at', 'is', null)
            .where('token_families.expires_at', '>', now),
        ),
      )
      .returningAll()
      .executeTakeFirst();
    if (rotated) return { outcome: 'redeemed', record: rowToRefreshToken(rotated) };
    return this.classifyFailedRotation(tokenHash);
  }

  private async classifyFailedRotation(tokenHash: string): Promise<ConsumeResult<RefreshTokenRecord>> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .innerJoin('token_families', 'token_families.family_id', 'refresh_tokens.family_id')
      .selectAll('refresh_tokens')
      .select('token_families.revoked_at as family_revoked_at')
      .where('refresh_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return { outcome: 'unknown' };
    const { family_revoked_at: familyRevokedAt, ...token } = row;
    const record = rowToRefreshToken(token);
    // A rotated token or a revoked family means someone holds a token that should be dead: treat it as reuse.
    if (record.rotatedAt !== null || familyRevokedAt !== null) return { outcome: 'replayed', record };
    // Otherwise the update failed on the idle expiry of the token or the absolute expiry of its family.
    return { outcome: 'expired', record };
  }

  async revokeFamily(familyId: string, reason: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('token_families')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeFamilyByCode(authorizationCodeHash: string, reason: string, now: number): Promise<TokenFamilyRecord | undefined> {
    await this.db
      .updateTable('token_families')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('authorization_code_hash', '=', authorizationCodeHash)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await this.db
      .selectFrom('token_families')
      .selectAll()
      .where('authorization_code_hash', '=', authorizationCodeHash)
      .executeTakeFirst();
    return row && rowToTokenFamily(row);
  }
}
