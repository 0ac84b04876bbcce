// The token_families and refresh_tokens tables: grants, rotation with one conditional update, retry responses, revocation.
import type { FamilyContext, RefreshRetryResponse, RefreshTokenRecord, RefreshTokenRotation, RequestOrigin, RotationResult, TokenFamilyRecord } from '../records.js';
import type { RefreshTokenRepository, SliceSwept, SweepSlice } from '../store.js';
import type { RefreshTokensTable, TokenFamiliesTable } from './database.js';
import { deleteExpiredFamilies, deleteExpiredRefreshTokens } from './token-sweep.js';
import { parseStringList } from './json-columns.js';
import {
  findFamilyById,
  findTokenByHash,
  findTokenWithFamilyRevocation,
  insertFamily,
  insertIssuedToken,
  rotateToken,
  updateFamilyContext,
  type IssuedTokenColumns,
} from './refresh-token-queries.js';
import { inTransaction, type Db } from './transaction.js';

function tokenFamilyToRow(family: TokenFamilyRecord): TokenFamiliesTable {
  return {
    family_id: family.familyId,
    client_id: family.clientId,
    user_id: family.userId,
    scope: family.scope,
    session_id: family.sessionId,
    auth_time: family.authTime,
    authorization_code_hash: family.authorizationCodeHash,
    resources: JSON.stringify(family.resources),
    api_scope: family.apiScope,
    dpop_jkt: family.dpopJkt,
    created_at: family.createdAt,
    expires_at: family.expiresAt,
    revoked_at: family.revokedAt,
    revoked_reason: family.revokedReason,
    ...contextToColumns(family.context),
  };
}

function contextToColumns(context: FamilyContext | null): Pick<TokenFamiliesTable, 'context_network' | 'context_user_agent'> {
  return { context_network: context?.network ?? null, context_user_agent: context?.userAgent ?? null };
}

function refreshTokenToRow(token: RefreshTokenRecord): IssuedTokenColumns {
  return {
    token_hash: token.tokenHash,
    family_id: token.familyId,
    client_id: token.clientId,
    scope: token.scope,
    issued_at: token.issuedAt,
    expires_at: token.expiresAt,
    rotated_at: token.rotatedAt,
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
    resources: parseStringList(row.resources),
    apiScope: row.api_scope,
    dpopJkt: row.dpop_jkt,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
    context: row.context_user_agent === null ? null : { network: row.context_network, userAgent: row.context_user_agent },
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

function rowToRetry(row: RefreshTokensTable): RefreshRetryResponse | null {
  if (row.retry_until === null || row.retry_fingerprint === null || row.retry_response === null) return null;
  return { retryUntil: row.retry_until, fingerprint: row.retry_fingerprint, encryptedResponse: row.retry_response };
}

const NO_RETRY = { retry_until: null, retry_fingerprint: null, retry_response: null } as const;

export class KyselyRefreshTokenRepository implements RefreshTokenRepository {
  constructor(private readonly db: Db) {}

  async createFamily(family: TokenFamilyRecord): Promise<void> {
    await insertFamily.executeWrite(this.db, tokenFamilyToRow(family));
  }

  async findFamily(familyId: string): Promise<TokenFamilyRecord | undefined> {
    const row = await findFamilyById.executeTakeFirst(this.db, { familyId });
    return row && rowToTokenFamily(row);
  }

  async create(token: RefreshTokenRecord): Promise<void> {
    await insertToken(this.db, token);
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await findTokenByHash.executeTakeFirst(this.db, { tokenHash });
    return row && rowToRefreshToken(row);
  }

  async rotate(rotation: RefreshTokenRotation): Promise<RotationResult> {
    const { tokenHash, successor, firstUse, retry, familyContext, now } = rotation;
    const rotated = await inTransaction(this.db, async (trx) => {
      // SECURITY.md: a refresh token works once; rotateToken checks and marks it in one statement.
      const row = await rotateToken.executeTakeFirst(trx, {
        tokenHash,
        now,
        firstUseIp: firstUse.ip,
        firstUseUserAgent: firstUse.userAgent,
        retryUntil: retry?.retryUntil ?? null,
        retryFingerprint: retry?.fingerprint ?? null,
        retryResponse: retry?.encryptedResponse ?? null,
      });
      // Only the winner's successor and context exist: no second branch of the family is ever written.
      if (row) await insertToken(trx, successor);
      if (row && familyContext) {
        await updateFamilyContext.executeWrite(trx, { family_id: row.family_id, ...contextToColumns(familyContext) });
      }
      return row;
    });
    if (rotated) return { outcome: 'redeemed', record: rowToRefreshToken(rotated) };
    return this.classifyFailedRotation(tokenHash);
  }

  private async classifyFailedRotation(tokenHash: string): Promise<RotationResult> {
    const row = await findTokenWithFamilyRevocation.executeTakeFirst(this.db, { tokenHash });
    if (!row) return { outcome: 'unknown' };
    const { family_revoked_at: familyRevokedAt, ...token } = row;
    const record = rowToRefreshToken(token);
    const firstUse: RequestOrigin | null = record.rotatedAt === null ? null : { ip: token.first_use_ip, userAgent: token.first_use_user_agent };
    // A rotated token or a revoked family means someone holds a token that should be dead: a retry or a reuse.
    if (record.rotatedAt !== null || familyRevokedAt !== null) {
      return { outcome: 'replayed', record, firstUse, retry: familyRevokedAt === null ? rowToRetry(token) : null };
    }
    // Otherwise the update failed on the idle expiry of the token or the absolute expiry of its family.
    return { outcome: 'expired', record };
  }

  async purgeRetryResponses(now: number): Promise<number> {
    const result = await this.db.updateTable('refresh_tokens').set(NO_RETRY).where('retry_until', '<', now).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async revokeFamily(familyId: string, reason: string, now: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const result = await trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await dropRetryResponses(trx, familyId);
      return result.numUpdatedRows > 0n;
    });
  }

  async revokeFamilyByCode(authorizationCodeHash: string, reason: string, now: number): Promise<TokenFamilyRecord | undefined> {
    return inTransaction(this.db, async (trx) => {
      await trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('authorization_code_hash', '=', authorizationCodeHash)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await trx
        .selectFrom('token_families')
        .selectAll()
        .where('authorization_code_hash', '=', authorizationCodeHash)
        .executeTakeFirst();
      if (row) await dropRetryResponses(trx, row.family_id);
      return row && rowToTokenFamily(row);
    });
  }

  deleteExpired(before: number, slice: SweepSlice): Promise<SliceSwept<number>> {
    return deleteExpiredRefreshTokens(this.db, before, slice);
  }

  deleteExpiredFamilies(before: number, slice: SweepSlice): Promise<SliceSwept<number>> {
    return deleteExpiredFamilies(this.db, before, slice);
  }
}

async function insertToken(db: Db, token: RefreshTokenRecord): Promise<void> {
  await insertIssuedToken.executeWrite(db, refreshTokenToRow(token));
}

// A revoked family's tokens are never handed out again, so its kept responses go at once rather than at the sweep.
async function dropRetryResponses(db: Db, familyId: string): Promise<void> {
  await db.updateTable('refresh_tokens').set(NO_RETRY).where('family_id', '=', familyId).where('retry_until', 'is not', null).execute();
}

/** Drops the kept retry responses of every family of a user, when their families are revoked together. */
export async function dropUserRetryResponses(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set(NO_RETRY)
    .where('retry_until', 'is not', null)
    .where('family_id', 'in', (eb) => eb.selectFrom('token_families').select('family_id').where('user_id', '=', userId))
    .execute();
}
