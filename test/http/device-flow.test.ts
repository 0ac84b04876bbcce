// The device authorization grant (RFC 8628) over HTTP: the endpoint, the verification page, polling and redemption.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiRegistration, createApi } from '../support/apis.js';
import { alertText } from '../support/login.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import {
  createDeviceClient,
  decideOnDevice,
  enterUserCode,
  pollDeviceToken,
  postDeviceAuthorization,
  startDeviceAuthorization,
} from '../support/device.js';
import { assertTokenError, auditEvents, createClient, createUser, epochNow, postToken, verifyJwt, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/store/records.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';

forEachEngine((engine) => {
  describe(`device authorization grant (${engine.name})`, () => {
    // The test moves time forward (polling intervals, expiry) instead of waiting.
    let offset = 0;
    const suite = useTestServer(engine, {}, { clock: () => epochNow() + offset });

    it('answers RFC 8628 §3.2 with both codes, the verification URIs, lifetime and interval, never cached', async () => {
      const as = await createDeviceClient(suite.server);
      const response = await postDeviceAuthorization(suite.server, as);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['device_code', 'expires_in', 'interval', 'user_code', 'verification_uri', 'verification_uri_complete']);
      assert.match(String(body.device_code), /^[A-Za-z0-9_-]{43}$/);
      assert.match(String(body.user_code), /^[BCDFGHJKMNPQRSTVWXZ]{4}-[BCDFGHJKMNPQRSTVWXZ]{4}$/);
      assert.equal(body.verification_uri, `${suite.server.config.issuer}/device`);
      assert.equal(body.verification_uri_complete, `${suite.server.config.issuer}/device?user_code=${String(body.user_code)}`);
      assert.equal(body.expires_in, 600);
      assert.equal(body.interval, 5);
      // Only hashes are stored.
      assert.ok(await suite.server.store.deviceAuthorizations.findByDeviceCode(hashOpaqueValue(String(body.device_code))));
      const [event] = await auditEvents(suite.server, 'device_authorization.requested');
      assert.equal(event?.clientId, as.client.clientId);
    });

    it('is advertised in discovery with the device code grant', async () => {
      const metadata = (await (await fetch(`${suite.server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(metadata.device_authorization_endpoint, `${suite.server.config.issuer}/device_authorization`);
      assert.ok((metadata.grant_types_supported as string[]).includes(DEVICE_CODE_GRANT_TYPE));
    });

    it('refuses an unknown or missing client, a client not registered for the grant, and a bad scope or resource', async () => {
      const as = await createDeviceClient(suite.server);
      const unknown = { ...as, client: { ...as.client, clientId: 'no-such-client' } };
      await assertTokenError(await postDeviceAuthorization(suite.server, unknown), 'invalid_client', 401);
      await assertTokenError(await postToken(suite.server, { scope: 'openid' }, { path: '/device_authorization' }), 'invalid_client', 401);
      const codeClient = await createClient(suite.server);
      await assertTokenError(await postDeviceAuthorization(suite.server, codeClient), 'unauthorized_client');
      await assertTokenError(await postDeviceAuthorization(suite.server, { ...codeClient, secret: 'wrong' }), 'invalid_client', 401);
      await assertTokenError(await postDeviceAuthorization(suite.server, as, {}), 'invalid_scope');
      await assertTokenError(await postDeviceAuthorization(suite.server, as, { scope: 'openid admin' }), 'invalid_scope');
      await assertTokenError(await postDeviceAuthorization(suite.server, as, { scope: 'openid', resource: 'https://unknown.example/' }), 'invalid_target');
      await assertTokenError(await postDeviceAuthorization(suite.server, as, { scope: 'openid', resource: 'not a uri' }), 'invalid_target');
      const get = await fetch(`${suite.server.url}/device_authorization`);
      assert.equal(get.status, 405);
      const json = await fetch(`${suite.server.url}/device_authorization`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(json.status, 415);
    });

    it('answers authorization_pending, then slow_down with a grown interval when polled too fast', async () => {
      const as = await createDeviceClient(suite.server);
      const { device_code: deviceCode } = await startDeviceAuthorization(suite.server, as);
      await assertTokenError(await pollDeviceToken(suite.server, as, deviceCode), 'authorization_pending');
      const tooSoon = await pollDeviceToken(suite.server, as, deviceCode);
      assert.equal(tooSoon.status, 400);
      const body = (await tooSoon.json()) as { error: string; error_description: string };
      assert.equal(body.error, 'slow_down');
      assert.match(body.error_description, /10 seconds/);
      assert.equal((await suite.server.store.deviceAuthorizations.findByDeviceCode(hashOpaqueValue(deviceCode)))?.interval, 10);
      // The old interval is no longer enough; the grown one is.
      offset += 6;
      await assertTokenError(await pollDeviceToken(suite.server, as, deviceCode), 'slow_down');
      offset += 16;
      await assertTokenError(await pollDeviceToken(suite.server, as, deviceCode), 'authorization_pending');
      assert.equal((await suite.server.store.deviceAuthorizations.findByDeviceCode(hashOpaqueValue(deviceCode)))?.interval, 15);
      await assertTokenError(await postToken(suite.server, { grant_type: DEVICE_CODE_GRANT_TYPE }, { as }), 'invalid_request');
    });

    it('answers exactly one of 20 concurrent polls of a pending code with authorization_pending, the rest with slow_down', async () => {
      const as = await createDeviceClient(suite.server);
      const { device_code: deviceCode } = await startDeviceAuthorization(suite.server, as);
      const responses = await Promise.all(Array.from({ length: 20 }, () => pollDeviceToken(suite.server, as, deviceCode)));
      const errors = await Promise.all(responses.map(async (response) => ((await response.json()) as { error?: string }).error));
      assert.deepEqual(errors.filter((error) => error !== 'slow_down'), ['authorization_pending']);
    });

    it('issues tokens once after approval: access, ID and refresh token; a second redemption is invalid_grant', async () => {
      const as = await createDeviceClient(suite.server, { refresh: true });
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as, 'openid profile offline_access');
      const done = await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      assert.equal(done.status, 200);
      const page = await done.text();
      assert.match(page, /You&#39;re all set|You're all set/);
      assert.match(page, /Return to your device/);
      const response = await pollDeviceToken(suite.server, as, authorization.device_code);
      assert.equal(response.status, 200, await response.clone().text());
      const tokens = (await response.json()) as TokenResponseBody;
      assert.equal(tokens.scope, 'openid profile offline_access');
      assert.ok(tokens.refresh_token);
      const { payload } = await verifyJwt(suite.server, tokens.id_token!, { typ: 'JWT', audience: as.client.clientId });
      assert.equal(payload.sub, user.userId);
      assert.equal(payload.nonce, undefined);
      await verifyJwt(suite.server, tokens.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'invalid_grant');
      // The refresh token works like any other.
      const refreshed = await postToken(suite.server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { as });
      assert.equal(refreshed.status, 200);
      for (const type of ['device_authorization.approved', 'device_authorization.redeemed']) {
        const [event] = await auditEvents(suite.server, type);
        assert.equal(event?.userId, user.userId, type);
      }
    });

    it('issues an access token for a requested API, and no refresh token without offline_access', async () => {
      const as = await createDeviceClient(suite.server, { refresh: true });
      const api = await createApi(suite.server);
      await apiRegistration(suite.server).allowClient(as.client.clientId, api.identifier, ['read:invoices']);
      const user = await createUser(suite.server);
      const response = await postDeviceAuthorization(suite.server, as, { scope: 'openid read:invoices', resource: api.identifier });
      const authorization = (await response.json()) as { device_code: string; user_code: string };
      await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      const tokens = (await (await pollDeviceToken(suite.server, as, authorization.device_code)).json()) as TokenResponseBody;
      assert.equal(tokens.refresh_token, undefined);
      const { payload } = await verifyJwt(suite.server, tokens.access_token, { typ: 'at+jwt', audience: api.identifier });
      assert.equal(payload.scope, 'read:invoices');
    });

    it('rolls the redemption back when issuing fails (a resource not granted), so the device may retry with a valid one', async () => {
      const as = await createDeviceClient(suite.server);
      const api = await createApi(suite.server);
      await apiRegistration(suite.server).allowClient(as.client.clientId, api.identifier, ['read:invoices']);
      const user = await createUser(suite.server);
      const response = await postDeviceAuthorization(suite.server, as, { scope: 'openid read:invoices', resource: api.identifier });
      const authorization = (await response.json()) as { device_code: string; user_code: string };
      await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      const poll = (resource: string) => postToken(suite.server, { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: authorization.device_code, resource }, { as });
      await assertTokenError(await poll('https://not-granted.example/'), 'invalid_target');
      const retried = await poll(api.identifier);
      assert.equal(retried.status, 200, await retried.clone().text());
    });

    it('answers expired_token to an approved device code the device did not redeem before it expired', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      offset += 601;
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'expired_token');
    });

    it('answers access_denied after the person denies, and never issues', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      const done = await decideOnDevice(suite.server, user, authorization.user_code, 'deny');
      assert.equal(done.status, 200);
      assert.match(await done.text(), /Device not connected/);
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'access_denied');
      const [event] = await auditEvents(suite.server, 'device_authorization.denied');
      assert.equal(event?.clientId, as.client.clientId);
    });

    it('answers expired_token once the device code expires, and the code can no longer be entered', async () => {
      const as = await createDeviceClient(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      offset += 601;
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'expired_token');
      const browser = new BrowserLike(suite.server.url);
      const page = await enterUserCode(browser, authorization.user_code);
      assert.equal(page.status, 200);
      assert.equal(alertText(await page.text()), 'That code wasn&#39;t recognised. Check it and try again.');
    });

    it("answers invalid_grant to another client's device code or an unknown one, leaving it redeemable by its own", async () => {
      const as = await createDeviceClient(suite.server);
      const other = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      await assertTokenError(await pollDeviceToken(suite.server, other, authorization.device_code), 'invalid_grant');
      await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      await assertTokenError(await pollDeviceToken(suite.server, other, authorization.device_code), 'invalid_grant');
      await assertTokenError(await pollDeviceToken(suite.server, as, 'no-such-device-code'), 'invalid_grant');
      const codeClient = await createClient(suite.server);
      await assertTokenError(await pollDeviceToken(suite.server, codeClient, authorization.device_code), 'unauthorized_client');
      assert.equal((await pollDeviceToken(suite.server, as, authorization.device_code)).status, 200);
    });

    it('gives a user disabled since approving no tokens: the approval is withdrawn (access_denied)', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      await suite.server.store.users.disable(user.userId, epochNow() + offset);
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'access_denied');
      // Enabled again, the approval given before stays withdrawn.
      await suite.server.store.users.enable(user.userId, epochNow() + offset);
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'access_denied');
    });

    it('gives tokens to exactly one of 50 concurrent polls after approval', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      await decideOnDevice(suite.server, user, authorization.user_code, 'allow');
      const responses = await Promise.all(Array.from({ length: 50 }, () => pollDeviceToken(suite.server, as, authorization.device_code)));
      const bodies = await Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as { error?: string } })));
      assert.equal(bodies.filter(({ status }) => status === 200).length, 1);
      assert.ok(bodies.filter(({ status }) => status !== 200).every(({ status, body }) => status === 400 && body.error === 'invalid_grant'));
      assert.equal((await suite.server.store.audit.list({ limit: 100, type: 'device_authorization.redeemed' })).filter((event) => event.clientId === as.client.clientId).length, 1);
    });
  });
});
