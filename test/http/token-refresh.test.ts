// grant_type=refresh_token over HTTP: rotation, client binding, narrowing and widening scope, idle and absolute lifetimes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { forEachEngine } from '../support/database.js';
import {
  assertTokenError,
  auditEvents,
  createClient,
  createUser,
  epochNow,
  getUserInfo,
  issueCode,
  pkcePair,
  postToken,
  redeemCode,
  startGrant,
  type TestClient,
  type TokenResponseBody,
  verifyJwt,
} from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const IDLE_TTL = 400;
const ABSOLUTE_TTL = 500;

forEachEngine((engine) => {
  describe(`refresh_token grant (${engine.name})`, () => {
    const suite = useTestServer(engine, {
        GATEHOUSE_TOKENS_REFRESH_TOKEN_IDLE_TTL: String(IDLE_TTL),
        GATEHOUSE_TOKENS_REFRESH_TOKEN_ABSOLUTE_TTL: String(ABSOLUTE_TTL),
      });

    const refresh = (as: TestClient, refreshToken: string, extra: Record<string, string> = {}) =>
      postToken(suite.server, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, { as });

    async function refreshOk(as: TestClient, refreshToken: string, extra: Record<string, string> = {}): Promise<TokenResponseBody> {
      const response = await refresh(as, refreshToken, extra);
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('pragma'), 'no-cache');
      return (await response.json()) as TokenResponseBody;
    }

    const row = async (table: string, column: string, value: string) =>
      (await suite.database.sql(`select * from ${table} where ${column} = '${value}'`))[0] as Record<string, unknown>;

    it('rotates on every use: a new refresh token, access token and ID token of the same grant', async () => {
      const { as, user, tokens } = await startGrant(suite.server);
      const first = await refreshOk(as, tokens.refresh_token!);
      assert.notEqual(first.refresh_token, tokens.refresh_token);
      assert.equal(first.scope, tokens.scope);
      const original = await verifyJwt(suite.server, tokens.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      const access = await verifyJwt(suite.server, first.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.equal(access.payload.gid, original.payload.gid, 'the same family');
      assert.notEqual(access.payload.jti, original.payload.jti);
      const idBefore = await verifyJwt(suite.server, tokens.id_token!, { typ: 'JWT', audience: as.client.clientId });
      const id = await verifyJwt(suite.server, first.id_token!, { typ: 'JWT', audience: as.client.clientId });
      assert.equal(id.payload.sub, user.userId);
      assert.equal(id.payload.auth_time, idBefore.payload.auth_time, 'the original authentication time');
      assert.equal(id.payload.sid, idBefore.payload.sid);
      assert.equal('nonce' in id.payload, false, 'OpenID Connect Core §12.2: no nonce on refresh');
      const second = await refreshOk(as, first.refresh_token!);
      assert.equal((await getUserInfo(suite.server, second.access_token)).status, 200);
      const rotated = await auditEvents(suite.server, 'refresh_token.rotated', 2);
      assert.ok(rotated.some((event) => event.details.familyId === original.payload.gid && event.userId === user.userId));
    });

    it('sets the idle expiry from the configuration, never past the absolute one', async () => {
      const { as, tokens } = await startGrant(suite.server);
      const issued = await row('refresh_tokens', 'token_hash', hashOpaqueValue(tokens.refresh_token!));
      assert.equal(Number(issued.expires_at) - Number(issued.issued_at), IDLE_TTL);
      const family = await row('token_families', 'family_id', String(issued.family_id));
      assert.equal(Number(family.expires_at) - Number(family.created_at), ABSOLUTE_TTL);
      // Near the absolute end, the successor's idle expiry is capped by it.
      const absoluteEnd = epochNow() + 100;
      await suite.database.sql(`update token_families set expires_at = ${absoluteEnd} where family_id = '${String(issued.family_id)}'`);
      const next = await refreshOk(as, tokens.refresh_token!);
      const successor = await row('refresh_tokens', 'token_hash', hashOpaqueValue(next.refresh_token!));
      assert.equal(Number(successor.expires_at), absoluteEnd);
    });

    it('refuses an idle-expired refresh token', async () => {
      const { as, tokens } = await startGrant(suite.server);
      // Time passes: the token was issued longer ago than the idle lifetime.
      const now = epochNow();
      await suite.database.sql(`update refresh_tokens set issued_at = ${now - IDLE_TTL - 1}, expires_at = ${now - 1} where token_hash = '${hashOpaqueValue(tokens.refresh_token!)}'`);
      await assertTokenError(await refresh(as, tokens.refresh_token!), 'invalid_grant');
    });

    it('refuses a refresh token whose family passed its absolute lifetime, however recently used', async () => {
      const { as, tokens } = await startGrant(suite.server);
      const next = await refreshOk(as, tokens.refresh_token!);
      const { family_id: familyId } = await row('refresh_tokens', 'token_hash', hashOpaqueValue(next.refresh_token!));
      await suite.database.sql(`update token_families set created_at = ${epochNow() - ABSOLUTE_TTL - 1}, expires_at = ${epochNow() - 1} where family_id = '${String(familyId)}'`);
      await assertTokenError(await refresh(as, next.refresh_token!), 'invalid_grant');
    });

    it('refuses a missing refresh_token with invalid_request and an unknown one with invalid_grant', async () => {
      const as = await createClient(suite.server);
      await assertTokenError(await postToken(suite.server, { grant_type: 'refresh_token' }, { as }), 'invalid_request');
      await assertTokenError(await refresh(as, 'no-such-refresh-token'), 'invalid_grant');
    });

    it("refuses another client's refresh token without rotating it", async () => {
      const { as, tokens } = await startGrant(suite.server);
      const thief = await createClient(suite.server);
      await assertTokenError(await refresh(thief, tokens.refresh_token!), 'invalid_grant');
      const stored = await row('refresh_tokens', 'token_hash', hashOpaqueValue(tokens.refresh_token!));
      assert.equal(stored.rotated_at, null);
      await refreshOk(as, tokens.refresh_token!);
      const family = String(stored.family_id);
      assert.ok(!(await suite.server.store.audit.list({ limit: 100, type: 'refresh_token.reused' })).some((event) => event.details.familyId === family));
      assert.equal((await suite.server.store.refreshTokens.findFamily(family))?.revokedAt, null);
    });

    it('narrows the scope on request; the refresh token keeps the original grant', async () => {
      const { as, tokens } = await startGrant(suite.server);
      const narrowed = await refreshOk(as, tokens.refresh_token!, { scope: 'openid email' });
      assert.equal(narrowed.scope, 'openid email');
      const { payload } = await verifyJwt(suite.server, narrowed.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.equal(payload.scope, 'openid email');
      assert.ok(narrowed.id_token);
      const userinfo = (await (await getUserInfo(suite.server, narrowed.access_token)).json()) as Record<string, unknown>;
      assert.equal(userinfo.preferred_username, undefined, 'profile was narrowed away');
      const withoutOpenid = await refreshOk(as, narrowed.refresh_token!, { scope: 'profile' });
      assert.equal(withoutOpenid.id_token, undefined);
      // RFC 6749 §6: an omitted scope is the scope originally granted.
      const full = await refreshOk(as, withoutOpenid.refresh_token!);
      assert.equal(full.scope, tokens.scope);
    });

    it('never widens the scope: invalid_scope, and the token stays usable', async () => {
      const { as, tokens } = await startGrant(suite.server, 'openid offline_access');
      for (const scope of ['openid offline_access email', 'admin', 'openid  "bad"\u0001']) {
        await assertTokenError(await refresh(as, tokens.refresh_token!, { scope }), 'invalid_scope');
      }
      await refreshOk(as, tokens.refresh_token!);
    });

    it('lets a public client refresh with its client_id alone', async () => {
      const publicClient = await createClient(suite.server, { clientType: 'public' });
      const { tokens } = await startGrant(suite.server);
      await assertTokenError(await refresh(publicClient, tokens.refresh_token!), 'invalid_grant');
      const pkce = pkcePair();
      const own = await redeemCode(suite.server, publicClient, await issueCode(suite.server, publicClient.client, await createUser(suite.server), pkce), pkce);
      await refreshOk(publicClient, own.refresh_token!);
    });
  });
});
