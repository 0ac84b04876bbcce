// POST /revoke (RFC 7009): a refresh token ends its whole grant, an access token is denied until it expires; any
// other token gets the same 200 and changes nothing; requests that cannot be answered get RFC 6749 §5.2 errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import {
  assertTokenError, auditEvents, basicAuthorization, createClient, createUser, epochNow, getUserInfo, postToken, startGrant, type TestClient,
} from '../support/flow-fixtures.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { introspect, postRevoke, signAccessToken, storeRefreshToken } from '../support/token-management.js';

/** RFC 7009 §2.2: 200, nothing to read, never cached. */
async function revoke(server: TestServer, token: string, as: TestClient, extra: Record<string, string> = {}): Promise<void> {
  const response = await postRevoke(server, token, { as }, extra);
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(await response.text(), '');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('pragma'), 'no-cache');
}

const refresh = (server: TestServer, token: string, as: TestClient) => postToken(server, { grant_type: 'refresh_token', refresh_token: token }, { as });

forEachEngine((engine) => {
  describe(`token revocation (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('revoking a refresh token revokes its grant: refresh, userinfo and introspection refuse all its tokens', async () => {
      const { server } = suite;
      const { as, user, tokens } = await startGrant(server);
      const before = (await auditEvents(server, 'refresh_token.revoked', 0)).length;
      await revoke(server, tokens.refresh_token!, as);
      await assertTokenError(await refresh(server, tokens.refresh_token!, as), 'invalid_grant');
      assert.equal((await getUserInfo(server, tokens.access_token)).status, 401);
      assert.deepEqual(await introspect(server, tokens.access_token, as), { active: false });
      const [event] = await auditEvents(server, 'refresh_token.revoked', before + 1);
      assert.equal(event?.clientId, as.client.clientId);
      assert.equal(event?.userId, user.userId);
      const family = await server.store.refreshTokens.findFamily(String(event?.details.familyId));
      assert.equal(family?.revokedReason, 'revoked_by_client');
      // Revoking again changes nothing more and records nothing more.
      await revoke(server, tokens.refresh_token!, as);
      assert.equal((await auditEvents(server, 'refresh_token.revoked', 0)).length, before + 1);
    });

    it('revoking an access token denies its jti until it expires; the grant and its refresh token live on', async () => {
      const { server } = suite;
      const { as, user, tokens } = await startGrant(server);
      const before = (await auditEvents(server, 'access_token.revoked', 0)).length;
      const { jti, exp } = await introspect(server, tokens.access_token, as);
      await revoke(server, tokens.access_token, as);
      const userinfo = await getUserInfo(server, tokens.access_token);
      assert.equal(userinfo.status, 401);
      assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.deepEqual(await introspect(server, tokens.access_token, as), { active: false });
      const refreshed = await refresh(server, tokens.refresh_token!, as);
      assert.equal(refreshed.status, 200);
      assert.equal((await getUserInfo(server, ((await refreshed.json()) as { access_token: string }).access_token)).status, 200);
      const [event] = await auditEvents(server, 'access_token.revoked', before + 1);
      assert.deepEqual([event?.clientId, event?.userId, event?.details.tokenId], [as.client.clientId, user.userId, jti]);
      await revoke(server, tokens.access_token, as);
      assert.equal((await auditEvents(server, 'access_token.revoked', 0)).length, before + 1, 'a repeat records nothing');
      // Kept until no verifier would accept the token: its exp plus the clock tolerance.
      const rows = await suite.database.sql(`select expires_at from revoked_access_tokens where token_id = '${String(jti)}'`);
      assert.equal(Number(rows[0]?.expires_at), (exp as number) + server.config.tokens.clockTolerance);
    });

    it('revokes an access token issued to the client alone (no grant), and one for another audience', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const before = (await auditEvents(server, 'access_token.revoked', 0)).length;
      const ofClient = signAccessToken(server, as);
      await revoke(server, ofClient, as);
      assert.deepEqual(await introspect(server, ofClient, as), { active: false });
      const [event] = await auditEvents(server, 'access_token.revoked', before + 1);
      assert.equal(event?.userId, null);
      const user = await createUser(server);
      const { family } = await storeRefreshToken(server, as, user.userId);
      const forApi = signAccessToken(server, as, { sub: user.userId, gid: family.familyId, auth_time: epochNow() - 60 });
      await revoke(server, forApi, as);
      assert.deepEqual(await introspect(server, forApi, as), { active: false });
      assert.equal((await server.store.refreshTokens.findFamily(family.familyId))?.revokedAt, null, 'its grant lives on');
    });

    it("answers 200 and changes nothing for another client's tokens, unknown, malformed and expired ones", async () => {
      const { server } = suite;
      const { as: owner, tokens } = await startGrant(server);
      const other = await createClient(server);
      const user = await createUser(server);
      const idle = await storeRefreshToken(server, owner, user.userId, { token: { expiresAt: epochNow() - 1 } });
      const absolute = await storeRefreshToken(server, owner, user.userId, { family: { expiresAt: epochNow() - 1 } });
      const counts = async () => [
        (await auditEvents(server, 'refresh_token.revoked', 0)).length,
        (await auditEvents(server, 'access_token.revoked', 0)).length,
      ];
      const before = await counts();
      await revoke(server, tokens.refresh_token!, other);
      await revoke(server, tokens.access_token, other);
      for (const junk of ['not-a-token', 'a.b.c', tokens.id_token!, signAccessToken(server, owner, { exp: epochNow() - 3600 })]) await revoke(server, junk, owner);
      await revoke(server, idle.value, owner);
      await revoke(server, absolute.value, owner);
      assert.deepEqual(await counts(), before);
      assert.equal((await getUserInfo(server, tokens.access_token)).status, 200);
      assert.equal((await introspect(server, tokens.refresh_token!, owner)).active, true);
      for (const { family } of [idle, absolute]) assert.equal((await server.store.refreshTokens.findFamily(family.familyId))?.revokedAt, null);
    });

    it('a rotated refresh token still names its grant: revoking it ends the grant', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      const next = (await (await refresh(server, tokens.refresh_token!, as)).json()) as { refresh_token: string };
      await revoke(server, tokens.refresh_token!, as);
      assert.deepEqual(await introspect(server, next.refresh_token, as), { active: false });
    });

    it('lets a public client revoke its own refresh token, naming itself with client_id alone', async () => {
      const { server } = suite;
      const as = await createClient(server, { tokenEndpointAuthMethod: 'none' });
      const user = await createUser(server);
      const { value, family } = await storeRefreshToken(server, as, user.userId);
      await revoke(server, value, as);
      assert.equal((await server.store.refreshTokens.findFamily(family.familyId))?.revokedReason, 'revoked_by_client');
    });

    it('ignores token_type_hint, right, wrong or unknown (RFC 7009 §2.1)', async () => {
      const { server } = suite;
      for (const hint of ['access_token', 'refresh_token', 'id_token']) {
        const { as, tokens } = await startGrant(server);
        await revoke(server, tokens.refresh_token!, as, { token_type_hint: hint });
        assert.equal((await getUserInfo(server, tokens.access_token)).status, 401, hint);
      }
    });

    it('authenticates the client exactly as the token endpoint does', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      await assertTokenError(await postRevoke(server, tokens.refresh_token!), 'invalid_client', 401);
      const wrongSecret = await postRevoke(server, tokens.refresh_token!, { headers: { authorization: basicAuthorization(as.client.clientId, 'wrong') } });
      await assertTokenError(wrongSecret, 'invalid_client', 401);
      assert.match(wrongSecret.headers.get('www-authenticate') ?? '', /^Basic /);
      const publicName = await postRevoke(server, tokens.refresh_token!, {}, { client_id: as.client.clientId });
      await assertTokenError(publicName, 'invalid_client', 401);
      assert.equal((await introspect(server, tokens.refresh_token!, as)).active, true, 'nothing was revoked');
    });

    it('never writes a presented token or secret to the log, whatever the answer', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      const publicClient = await createClient(server, { tokenEndpointAuthMethod: 'none' });
      await postRevoke(server, tokens.access_token, { as });
      await postRevoke(server, tokens.refresh_token!, { as });
      await postRevoke(server, tokens.access_token, { headers: { authorization: basicAuthorization(as.client.clientId, 'wrong') } });
      await postToken(server, { token: tokens.access_token }, { as: publicClient, path: '/introspect' });
      await postToken(server, { token: tokens.refresh_token! }, { as, path: '/introspect' });
      const logs = server.logs();
      assert.ok(logs.includes('"error":"invalid_client"'), 'the rejections were logged');
      for (const secret of [tokens.access_token, tokens.refresh_token!, as.secret!]) assert.ok(!logs.includes(secret));
    });

    it('takes a form body only, with `token` once, by POST', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      const headers = { authorization: basicAuthorization(as.client.clientId, as.secret!) };
      const json = await fetch(`${server.url}/revoke`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
      await assertTokenError(json, 'invalid_request', 415);
      const form = { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
      const twice = await fetch(`${server.url}/revoke`, { method: 'POST', headers: form, body: `token=${tokens.refresh_token!}&token=x` });
      await assertTokenError(twice, 'invalid_request');
      await assertTokenError(await postRevoke(server, '', { as }), 'invalid_request');
      const get = await fetch(`${server.url}/revoke`, { headers });
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
      assert.equal((await introspect(server, tokens.refresh_token!, as)).active, true, 'nothing was revoked');
    });
  });
});
