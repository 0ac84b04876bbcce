// grant_type=authorization_code over HTTP: the issued tokens (RFC 9068, OpenID Connect ID token) and every error branch.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { forEachEngine } from '../support/database.js';
import {
  assertTokenError,
  auditEvents,
  createClient,
  createUser,
  epochNow,
  getUserInfo,
  issueCode,
  NONCE,
  pkcePair,
  postToken,
  REDIRECT_URI,
  redeemCode,
  type TestClient,
  verifyJwt,
} from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';
import type { UserRecord } from '../../src/store/records.js';

forEachEngine((engine) => {
  describe(`authorization_code grant (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let as: TestClient;
    let user: UserRecord;
    before(async () => {
      as = await createClient(suite.server);
      user = await createUser(suite.server);
    });

    const redeem = (parameters: Record<string, string>, client: TestClient = as) =>
      postToken(suite.server, { grant_type: 'authorization_code', ...parameters }, { as: client });

    it('issues an RFC 9068 access token, an ID token and a refresh token, and records the redemption', async () => {
      const pkce = pkcePair();
      const sessionId = 'session-for-sid';
      const code = await issueCode(suite.server, as.client, user, pkce, { sessionId });
      const before = epochNow();
      const tokens = await redeemCode(suite.server, as, code, pkce);
      assert.equal(tokens.token_type, 'Bearer');
      assert.equal(tokens.expires_in, suite.server.config.tokens.accessTokenTtl);
      assert.equal(tokens.scope, 'openid profile email offline_access');
      assert.match(tokens.refresh_token ?? '', /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url');

      const access = await verifyJwt(suite.server, tokens.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.equal(access.protectedHeader.typ, 'at+jwt');
      assert.equal(access.protectedHeader.alg, 'ES256');
      const { payload } = access;
      assert.equal(payload.sub, user.userId);
      assert.equal(payload.client_id, as.client.clientId);
      assert.equal(payload.scope, tokens.scope);
      assert.equal(typeof payload.jti, 'string');
      assert.ok(payload.iat! >= before && payload.exp === payload.iat! + suite.server.config.tokens.accessTokenTtl);
      assert.equal(typeof payload.gid, 'string');
      assert.equal(typeof payload.auth_time, 'number');

      const id = await verifyJwt(suite.server, tokens.id_token!, { typ: 'JWT', audience: as.client.clientId });
      assert.equal(id.payload.sub, user.userId);
      assert.equal(id.payload.nonce, NONCE);
      assert.equal(id.payload.sid, sessionId);
      assert.equal(id.payload.auth_time, payload.auth_time);
      assert.equal(id.payload.exp, id.payload.iat! + suite.server.config.tokens.idTokenTtl);
      const digest = createHash('sha256').update(tokens.access_token, 'ascii').digest();
      assert.equal(id.payload.at_hash, digest.subarray(0, 16).toString('base64url'));

      const redeemed = (await auditEvents(suite.server, 'code.redeemed')).find((event) => event.details.familyId === payload.gid);
      assert.equal(redeemed?.userId, user.userId);
      assert.equal(redeemed?.clientId, as.client.clientId);
      assert.equal((await auditEvents(suite.server, 'token.issued'))[0]?.details.grantType, 'authorization_code');
      for (const secret of [code, pkce.verifier, tokens.access_token, tokens.refresh_token!, as.secret!]) assert.ok(!suite.server.logs().includes(secret));
    });

    it('issues a refresh token only with offline_access granted to a client registered for refresh_token', async () => {
      const pkce = pkcePair();
      const withoutOffline = await redeemCode(suite.server, as, await issueCode(suite.server, as.client, user, pkce, { scope: 'openid profile' }), pkce);
      assert.equal(withoutOffline.refresh_token, undefined);
      const codeOnly = await createClient(suite.server, { grantTypes: ['authorization_code'], scope: 'openid offline_access' });
      const notRegistered = await redeemCode(suite.server, codeOnly, await issueCode(suite.server, codeOnly.client, user, pkce), pkce);
      assert.equal(notRegistered.refresh_token, undefined);
    });

    it('issues no ID token without openid, and no nonce when the request had none', async () => {
      const pkce = pkcePair();
      const plainOAuth = await redeemCode(suite.server, as, await issueCode(suite.server, as.client, user, pkce, { scope: 'profile' }), pkce);
      assert.equal(plainOAuth.id_token, undefined);
      const noNonce = await redeemCode(suite.server, as, await issueCode(suite.server, as.client, user, pkce, { nonce: null }), pkce);
      const { payload } = await verifyJwt(suite.server, noNonce.id_token!, { typ: 'JWT', audience: as.client.clientId });
      assert.equal('nonce' in payload, false);
    });

    it('refuses a missing code with invalid_request, an unknown or expired one with invalid_grant', async () => {
      const pkce = pkcePair();
      await assertTokenError(await redeem({ code_verifier: pkce.verifier, redirect_uri: REDIRECT_URI }), 'invalid_request');
      await assertTokenError(await redeem({ code: 'no-such-code', code_verifier: pkce.verifier, redirect_uri: REDIRECT_URI }), 'invalid_grant');
      const expired = await issueCode(suite.server, as.client, user, pkce, { createdAt: epochNow() - 120, expiresAt: epochNow() - 60 });
      await assertTokenError(await redeem({ code: expired, code_verifier: pkce.verifier, redirect_uri: REDIRECT_URI }), 'invalid_grant');
    });

    it('answers a replayed code with invalid_grant and revokes everything the first redemption issued', async () => {
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, user, pkce);
      const first = await redeemCode(suite.server, as, code, pkce);
      assert.equal((await getUserInfo(suite.server, first.access_token)).status, 200);
      await assertTokenError(await redeem({ code, code_verifier: pkce.verifier, redirect_uri: REDIRECT_URI }), 'invalid_grant');
      const userinfo = await getUserInfo(suite.server, first.access_token);
      assert.equal(userinfo.status, 401);
      assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      await assertTokenError(await postToken(suite.server, { grant_type: 'refresh_token', refresh_token: first.refresh_token! }, { as }), 'invalid_grant');
      const [replayed] = await auditEvents(suite.server, 'code.replayed');
      const { payload } = await verifyJwt(suite.server, first.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.equal(replayed?.details.revokedFamilyId, payload.gid);
      assert.equal(replayed?.clientId, as.client.clientId);
    });

    it("refuses client A redeeming client B's code, which B can still redeem", async () => {
      const other = await createClient(suite.server);
      const pkce = pkcePair();
      const code = await issueCode(suite.server, other.client, user, pkce);
      await assertTokenError(await redeem({ code, code_verifier: pkce.verifier, redirect_uri: REDIRECT_URI }), 'invalid_grant');
      await redeemCode(suite.server, other, code, pkce);
    });

    it('requires redirect_uri byte for byte when the authorization request sent it', async () => {
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, user, pkce);
      for (const redirectUri of [`${REDIRECT_URI}/`, REDIRECT_URI.toUpperCase(), `${REDIRECT_URI}?x=1`, 'https://client.example:443/callback']) {
        await assertTokenError(await redeem({ code, code_verifier: pkce.verifier, redirect_uri: redirectUri }), 'invalid_grant');
      }
      await assertTokenError(await redeem({ code, code_verifier: pkce.verifier }), 'invalid_grant');
      await redeemCode(suite.server, as, code, pkce);
    });

    it('accepts an omitted redirect_uri when the authorization request omitted it, but never a different one', async () => {
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, user, pkce, { redirectUriSent: false });
      await assertTokenError(await redeem({ code, code_verifier: pkce.verifier, redirect_uri: 'https://client.example/other' }), 'invalid_grant');
      const response = await redeem({ code, code_verifier: pkce.verifier });
      assert.equal(response.status, 200);
    });

    it('requires a well-formed code_verifier whose S256 hash is the challenge', async () => {
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, user, pkce);
      const attempt = (codeVerifier: string | undefined) =>
        redeem({ code, redirect_uri: REDIRECT_URI, ...(codeVerifier === undefined ? {} : { code_verifier: codeVerifier }) });
      await assertTokenError(await attempt(undefined), 'invalid_request');
      await assertTokenError(await attempt('a'.repeat(42)), 'invalid_request');
      await assertTokenError(await attempt('a'.repeat(129)), 'invalid_request');
      await assertTokenError(await attempt(`${'a'.repeat(42)}+`), 'invalid_request');
      await assertTokenError(await attempt(`${'a'.repeat(42)}é`), 'invalid_request');
      await assertTokenError(await attempt(pkcePair().verifier), 'invalid_grant');
      // The challenge itself is not the verifier (the plain method is not accepted).
      await assertTokenError(await attempt(pkce.challenge), 'invalid_grant');
      await redeemCode(suite.server, as, code, pkce);
    });

    it('accepts verifiers of 43 and 128 characters from the whole unreserved alphabet', async () => {
      for (const verifier of ['A-Za-z0-9._~'.padEnd(43, '~'), 'x'.repeat(128)]) {
        const pkce = pkcePair(verifier);
        await redeemCode(suite.server, as, await issueCode(suite.server, as.client, user, pkce), pkce);
      }
    });

    it('issues nothing for a user disabled since the code was issued', async () => {
      const disabled = await createUser(suite.server);
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, disabled, pkce);
      await suite.server.store.users.disable(disabled.userId, epochNow());
      await assertTokenError(await redeem({ code, code_verifier: pkce.verifier, redirect_uri: REDIRECT_URI }), 'invalid_grant');
    });

    it('never puts the ID token header type on an access token or the reverse', async () => {
      const { access_token: accessToken, id_token: idToken } = await redeemCode(suite.server, as, await issueCode(suite.server, as.client, user, pkcePair('v'.repeat(43))), pkcePair('v'.repeat(43)));
      assert.equal(decodeProtectedHeader(accessToken).typ, 'at+jwt');
      assert.equal(decodeProtectedHeader(idToken!).typ, 'JWT');
      assert.equal((await getUserInfo(suite.server, idToken!)).status, 401, 'an ID token is not an access token');
    });
  });
});
