// POST /introspect (RFC 7662): what an active token of the caller's own says, `active: false` and nothing else for
// any other token, and RFC 6749 §5.2 errors for a request that cannot be answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import { assertTokenError, basicAuthorization, createClient, createUser, epochNow, postToken, startGrant } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';
import { introspect, postIntrospect, signAccessToken, storeRefreshToken } from '../support/token-management.js';

const INACTIVE = { active: false };

forEachEngine((engine) => {
  describe(`token introspection (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it("describes the caller's active access token by RFC 7662 §2.2, never cached", async () => {
      const { server } = suite;
      const { as, user, tokens } = await startGrant(server);
      const answer = await introspect(server, tokens.access_token, as);
      const { exp, iat, jti, ...rest } = answer;
      assert.deepEqual(rest, {
        active: true,
        scope: 'openid profile email offline_access',
        client_id: as.client.clientId,
        sub: user.userId,
        aud: server.config.issuer,
        iss: server.config.issuer,
        token_type: 'Bearer',
        username: user.username,
      });
      assert.equal(exp, (iat as number) + server.config.tokens.accessTokenTtl);
      assert.equal(typeof jti, 'string');
    });

    it("describes the caller's active refresh token: its grant's facts and its own expiry", async () => {
      const { server } = suite;
      const { as, user, tokens } = await startGrant(server);
      const { iat, exp, ...rest } = await introspect(server, tokens.refresh_token!, as);
      assert.deepEqual(rest, {
        active: true,
        scope: 'openid profile email offline_access',
        client_id: as.client.clientId,
        sub: user.userId,
        iss: server.config.issuer,
        username: user.username,
      });
      assert.equal(exp, (iat as number) + server.config.tokens.refreshTokenIdleTtl);
    });

    it('describes a token for another audience, and one issued to a client alone (no grant, no user)', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const user = await createUser(server);
      const { family } = await storeRefreshToken(server, as, user.userId);
      const forApi = signAccessToken(server, as, { sub: user.userId, gid: family.familyId, auth_time: epochNow() - 60 });
      assert.deepEqual({ ...(await introspect(server, forApi, as)), exp: 0, iat: 0, jti: '' }, {
        active: true, scope: 'read', client_id: as.client.clientId, sub: user.userId, aud: 'https://api.example.test',
        iss: server.config.issuer, exp: 0, iat: 0, jti: '', token_type: 'Bearer', username: user.username,
      });
      const ofClient = signAccessToken(server, as, { aud: ['https://api.example.test', 'https://other.example.test'] });
      const answer = await introspect(server, ofClient, as);
      assert.equal(answer.active, true);
      assert.equal(answer.sub, as.client.clientId);
      assert.deepEqual(answer.aud, ['https://api.example.test', 'https://other.example.test']);
      assert.equal(answer.username, undefined);
    });

    it('answers only `active: false` for unknown, malformed, foreign-signed, expired and ID tokens', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      const [header, payload] = tokens.access_token.split('.');
      const candidates = [
        'not-a-token',
        'a.b.c',
        `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`,
        signAccessToken(server, as, { exp: epochNow() - 3600, iat: epochNow() - 4000 }),
        signAccessToken(server, as, { iss: 'https://elsewhere.example' }),
        tokens.id_token!,
        '',
      ];
      for (const token of candidates) {
        const response = await postIntrospect(server, token, { as });
        if (token === '') {
          // RFC 6749 §3.1: an empty parameter is an omitted one, and `token` is required.
          await assertTokenError(response, 'invalid_request');
          continue;
        }
        assert.deepEqual(await response.json(), INACTIVE, token);
      }
    });

    it("answers `active: false` for another client's access and refresh tokens", async () => {
      const { server } = suite;
      const { tokens } = await startGrant(server);
      const other = await createClient(server);
      assert.deepEqual(await introspect(server, tokens.access_token, other), INACTIVE);
      assert.deepEqual(await introspect(server, tokens.refresh_token!, other), INACTIVE);
    });

    it('answers `active: false` once a refresh token is rotated, and for tokens of a revoked grant or disabled user', async () => {
      const { server } = suite;
      const { as, user, tokens } = await startGrant(server);
      const refreshed = await postToken(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { as });
      const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
      assert.deepEqual(await introspect(server, tokens.refresh_token!, as), INACTIVE, 'rotated');
      assert.equal((await introspect(server, next.refresh_token, as)).active, true);
      await server.store.users.disable(user.userId, epochNow());
      assert.deepEqual(await introspect(server, next.access_token, as), INACTIVE, 'grant revoked with the user');
      assert.deepEqual(await introspect(server, next.refresh_token, as), INACTIVE);
      // A grant of a disabled user that is somehow still live is inactive all the same.
      const stray = await storeRefreshToken(server, as, user.userId);
      assert.deepEqual(await introspect(server, stray.value, as), INACTIVE);
      assert.deepEqual(await introspect(server, signAccessToken(server, as, { sub: user.userId, gid: stray.family.familyId }), as), INACTIVE);
    });

    it('answers `active: false` for refresh tokens past their idle or absolute expiry, and for a missing user', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const user = await createUser(server);
      const idle = await storeRefreshToken(server, as, user.userId, { token: { expiresAt: epochNow() - 1 } });
      const absolute = await storeRefreshToken(server, as, user.userId, { family: { expiresAt: epochNow() - 1 } });
      assert.deepEqual(await introspect(server, idle.value, as), INACTIVE);
      assert.deepEqual(await introspect(server, absolute.value, as), INACTIVE);
      const live = await storeRefreshToken(server, as, user.userId);
      const access = signAccessToken(server, as, { sub: user.userId, gid: live.family.familyId });
      await server.store.users.delete(user.userId);
      assert.deepEqual(await introspect(server, live.value, as), INACTIVE);
      assert.deepEqual(await introspect(server, access, as), INACTIVE);
    });

    it('refuses public clients, which cannot authenticate: 401 invalid_client', async () => {
      const { server } = suite;
      const as = await createClient(server, { tokenEndpointAuthMethod: 'none' });
      const response = await postIntrospect(server, 'anything', { as });
      await assertTokenError(response, 'invalid_client', 401);
    });

    it('authenticates the client exactly as the token endpoint does', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      await assertTokenError(await postIntrospect(server, tokens.access_token), 'invalid_client', 401);
      const wrongSecret = await postIntrospect(server, tokens.access_token, { headers: { authorization: basicAuthorization(as.client.clientId, 'wrong') } });
      await assertTokenError(wrongSecret, 'invalid_client', 401);
      assert.match(wrongSecret.headers.get('www-authenticate') ?? '', /^Basic /);
      const wrongMethod = await postIntrospect(server, tokens.access_token, {}, { client_id: as.client.clientId, client_secret: as.secret! });
      await assertTokenError(wrongMethod, 'invalid_client', 401);
    });

    it('takes a form body only, with `token` once, by POST', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      const headers = { authorization: basicAuthorization(as.client.clientId, as.secret!) };
      const json = await fetch(`${server.url}/introspect`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
      await assertTokenError(json, 'invalid_request', 415);
      const form = { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
      const twice = await fetch(`${server.url}/introspect`, { method: 'POST', headers: form, body: `token=${tokens.access_token}&token=x` });
      await assertTokenError(twice, 'invalid_request');
      await assertTokenError(await postIntrospect(server, '', { as }), 'invalid_request');
      const get = await fetch(`${server.url}/introspect`, { headers });
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('cache-control'), 'no-store');
      assert.equal(get.headers.get('allow'), 'POST');
    });

    it('ignores token_type_hint, known or not (RFC 7662 §2.1)', async () => {
      const { server } = suite;
      const { as, tokens } = await startGrant(server);
      for (const hint of ['refresh_token', 'access_token', 'id_token', 'x']) {
        const response = await postIntrospect(server, tokens.access_token, { as }, { token_type_hint: hint });
        assert.equal(((await response.json()) as { active: boolean }).active, true, hint);
      }
    });
  });
});
