// The fixed-shape queries the refresh grant runs on every call, prepared once per database (see prepared-query.ts).
import type { RefreshTokensTable, TokenFamiliesTable } from './database.js';
import { paramRow, prepareQuery, type Param } from './prepared-query.js';

export type IssuedTokenColumns = Pick<RefreshTokensTable, 'token_hash' | 'family_id' | 'client_id' | 'scope' | 'issued_at' | 'expires_at' | 'rotated_at'>;

export const insertFamily = prepareQuery((db, param: Param<TokenFamiliesTable>) =>
  db.insertInto('token_families').values(
    paramRow(param, {
      family_id: true,
      client_id: true,
      user_id: true,
      scope: true,
      session_id: true,
      auth_time: true,
      authorization_code_hash: true,
      resources: true,
      api_scope: true,
      dpop_jkt: true,
      created_at: true,
      expires_at: true,
      revoked_at: true,
      revoked_reason: true,
      context_network: true,
      context_user_agent: true,
    }),
  ),
);

export const findFamilyById = prepareQuery((db, param: Param<{ familyId: string }>) =>
  db.selectFrom('token_families').selectAll().where('family_id', '=', param('familyId')),
);

export const updateFamilyContext = prepareQuery((db, param: Param<Pick<TokenFamiliesTable, 'family_id' | 'context_network' | 'context_user_agent'>>) =>
  db
    .updateTable('token_families')
    .set({ context_network: param('context_network'), context_user_agent: param('context_user_agent') })
    .where('family_id', '=', param('family_id')),
);

export const insertIssuedToken = prepareQuery((db, param: Param<IssuedTokenColumns>) =>
  db.insertInto('refresh_tokens').values(
    paramRow(param, { token_hash: true, family_id: true, client_id: true, scope: true, issued_at: true, expires_at: true, rotated_at: true }),
  ),
);

export const findTokenByHash = prepareQuery((db, param: Param<{ tokenHash: string }>) =>
  db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', param('tokenHash')),
);

export const findTokenWithFamilyRevocation = prepareQuery((db, param: Param<{ tokenHash: string }>) =>
  db
    .selectFrom('refresh_tokens')
    .innerJoin('token_families', 'token_families.family_id', 'refresh_tokens.family_id')
    .selectAll('refresh_tokens')
    .select('token_families.revoked_at as family_revoked_at')
    .where('refresh_tokens.token_hash', '=', param('tokenHash')),
);

interface TokenRotationParameters {
  readonly tokenHash: string;
  readonly now: number;
  readonly firstUseIp: string | null;
  readonly firstUseUserAgent: string | null;
  readonly retryUntil: number | null;
  readonly retryFingerprint: string | null;
  readonly retryResponse: string | null;
}

// SECURITY.md: a refresh token works once; the check and the mark are one statement so concurrent callers cannot both win.
export const rotateToken = prepareQuery((db, param: Param<TokenRotationParameters>) =>
  db
    .updateTable('refresh_tokens')
    .set({
      rotated_at: param('now'),
      first_use_ip: param('firstUseIp'),
      first_use_user_agent: param('firstUseUserAgent'),
      retry_until: param('retryUntil'),
      retry_fingerprint: param('retryFingerprint'),
      retry_response: param('retryResponse'),
    })
    .where('token_hash', '=', param('tokenHash'))
    .where('rotated_at', 'is', null)
    .where('expires_at', '>', param('now'))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('token_families')
          .select('token_families.family_id')
          .whereRef('token_families.family_id', '=', 'refresh_tokens.family_id')
          .where('token_families.revoked_at', 'is', null)
          .where('token_families.expires_at', '>', param('now')),
      ),
    )
    .returningAll(),
);
