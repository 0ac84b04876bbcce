// Resource indicators (RFC 8707) in the code flow: requested at /authorize, chosen at /token, narrowed on refresh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiRecord, UserRecord } from '../../src/store/records.js';
import { apiRegistration, createApi } from '../support/apis.js';
import {
  assertErrorRedirect,
  authorizeUrl,
  CALLBACK,
  CODE_VERIFIER,
  hiddenFields,
  plantSession,
  redirectParameters,
  registerUser,
} from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { assertTokenError, createClient, getUserInfo, postToken, verifyJwt, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`resource indicators (${engine.name})`, () => {
    const suite = useTestServer(engine);

    /** A client allowed `apis` (all their scopes), and a browser signed in as a fresh user. */
    async function setUp(apis: readonly ApiRecord[], firstParty = true): Promise<{ as: TestClient; browser: BrowserLike; user: UserRecord }> {
      const as = await createClient(suite.server, { redirectUris: [CALLBACK], firstParty });
      for (const api of apis) await apiRegistration(suite.server).allowClient(as.client.clientId, api.identifier, []);
      const browser = new BrowserLike(suite.server.url);
      const user = await registerUser(suite.server.store);
      await plantSession(suite.server.store, suite.server.config, browser, user);
      return { as, browser, user };
    }

    /** The consent page the authorization response sends the browser to. */
    const consentPage = async (browser: BrowserLike, authorization: Response): Promise<string> => (await browser.get(authorization.headers.get('location')!)).text();

    /** Allows on the consent page; returns the code. */
    async function allow(browser: BrowserLike, page: string): Promise<string> {
      const code = redirectParameters(await browser.postForm('/consent', { ...hiddenFields(page), decision: 'allow' })).get('code');
      assert.ok(code);
      return code;
    }

    /** /authorize with `resources` (repeated) and `scope`; returns the redirect's response. */
    function authorize(as: TestClient, browser: BrowserLike, scope: string, resources: readonly string[]): Promise<Response> {
      const url = `${authorizeUrl(as.client, { scope })}${resources.map((resource) => `&resource=${encodeURIComponent(resource)}`).join('')}`;
      return browser.get(url);
    }

    async function codeFor(as: TestClient, browser: BrowserLike, scope: string, resources: readonly string[]): Promise<string> {
      const code = redirectParameters(await authorize(as, browser, scope, resources)).get('code');
      assert.ok(code);
      return code;
    }

    const redeem = (as: TestClient, code: string, resource?: string) =>
      postToken(suite.server, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: CODE_VERIFIER, ...(resource && { resource }) }, { as });

    async function tokens(response: Response): Promise<TokenResponseBody> {
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as TokenResponseBody;
    }

    it('gives a token for the one requested API: its identifier as aud, only its scopes, its lifetime; the ID token still comes', async () => {
      const api = await createApi(suite.server, { accessTokenTtl: 120 });
      const { as, browser } = await setUp([api]);
      const body = await tokens(await redeem(as, await codeFor(as, browser, 'openid read:invoices offline_access', [api.identifier])));
      assert.equal(body.scope, 'read:invoices');
      assert.equal(body.expires_in, 120);
      assert.ok(body.id_token);
      const { payload } = await verifyJwt(suite.server, body.access_token, { typ: 'at+jwt', audience: api.identifier });
      assert.equal(payload.scope, 'read:invoices');
      assert.equal(payload.exp! - payload.iat!, 120);
      // RFC 9068 §4: userinfo is not the token's audience.
      assert.equal((await getUserInfo(suite.server, body.access_token)).status, 401);
    });

    it('gives a userinfo token beside the one granted API when the token request names the issuer as its resource', async () => {
      const api = await createApi(suite.server);
      const { as, browser } = await setUp([api]);
      const body = await tokens(await redeem(as, await codeFor(as, browser, 'openid profile offline_access read:invoices', [api.identifier]), suite.server.config.issuer));
      assert.equal(body.scope, 'openid profile offline_access');
      await verifyJwt(suite.server, body.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.equal((await getUserInfo(suite.server, body.access_token)).status, 200);
      const refreshed = await tokens(
        await postToken(suite.server, { grant_type: 'refresh_token', refresh_token: body.refresh_token!, resource: api.identifier }, { as }),
      );
      assert.equal(refreshed.scope, 'read:invoices');
    });

    it('with several APIs granted: no resource is a userinfo token with the OpenID scopes, a resource picks one, refresh narrows', async () => {
      const [invoices, payroll] = [await createApi(suite.server), await createApi(suite.server, { scopes: ['read:payroll=See payslips'] })];
      const { as, browser } = await setUp([invoices, payroll]);
      const scope = 'openid profile offline_access read:invoices read:payroll';
      const body = await tokens(await redeem(as, await codeFor(as, browser, scope, [invoices.identifier, payroll.identifier])));
      assert.equal(body.scope, 'openid profile offline_access');
      await verifyJwt(suite.server, body.access_token, { typ: 'at+jwt', audience: suite.server.config.issuer });
      assert.equal((await getUserInfo(suite.server, body.access_token)).status, 200);
      const refresh = (extra: Record<string, string>) => postToken(suite.server, { grant_type: 'refresh_token', refresh_token: body.refresh_token!, ...extra }, { as });
      const forPayroll = await tokens(await refresh({ resource: payroll.identifier }));
      assert.equal(forPayroll.scope, 'read:payroll');
      await verifyJwt(suite.server, forPayroll.access_token, { typ: 'at+jwt', audience: payroll.identifier });
      const narrowed = await tokens(
        await postToken(suite.server, { grant_type: 'refresh_token', refresh_token: forPayroll.refresh_token!, resource: invoices.identifier, scope: 'openid' }, { as }),
      );
      // Narrowed to openid, nothing of the invoices API is left in the token for it.
      assert.equal(narrowed.scope, '');
    });

    it('answers invalid_target at /token for a resource not granted, and the code stays usable', async () => {
      const [granted, other] = [await createApi(suite.server), await createApi(suite.server)];
      const { as, browser } = await setUp([granted, other]);
      const code = await codeFor(as, browser, 'openid read:invoices', [granted.identifier]);
      await assertTokenError(await redeem(as, code, other.identifier), 'invalid_target');
      await assertTokenError(await redeem(as, code, 'https://api.example/#x'), 'invalid_target');
      const body = await tokens(await redeem(as, code, granted.identifier));
      await verifyJwt(suite.server, body.access_token, { typ: 'at+jwt', audience: granted.identifier });
    });

    it('answers invalid_target at /authorize to the redirect URI for a malformed, unknown or unallowed resource', async () => {
      const [allowed, unallowed] = [await createApi(suite.server), await createApi(suite.server)];
      const { as, browser } = await setUp([allowed]);
      const { issuer } = suite.server.config;
      for (const resource of ['relative/path', 'https://api.example/#fragment', 'https://unknown.example/', unallowed.identifier]) {
        assertErrorRedirect(await authorize(as, browser, 'openid', [allowed.identifier, resource]), 'invalid_target', issuer);
      }
    });

    it('refuses an API scope requested without its API, or not allowed to the client, with invalid_scope', async () => {
      const api = await createApi(suite.server);
      const { as, browser } = await setUp([]);
      await apiRegistration(suite.server).allowClient(as.client.clientId, api.identifier, ['read:invoices']);
      const { issuer } = suite.server.config;
      assertErrorRedirect(await authorize(as, browser, 'openid read:invoices', []), 'invalid_scope', issuer);
      assertErrorRedirect(await authorize(as, browser, 'openid write:invoices', [api.identifier]), 'invalid_scope', issuer);
    });

    it('names the API and describes its scopes on the consent page', async () => {
      const api = await createApi(suite.server, { name: 'Invoices <Ltd>' });
      const { as, browser } = await setUp([api], false);
      const consent = await authorize(as, browser, 'openid read:invoices', [api.identifier]);
      assert.equal(consent.status, 303);
      const page = await consentPage(browser, consent);
      assert.match(page, /<li>Invoices &lt;Ltd&gt;: Read your invoices<\/li>/);
      assert.ok(hiddenFields(page).csrf_token);
    });

    it('remembers consent to an API scope for that API only, not for another API defining the same scope', async () => {
      const [first, second] = [await createApi(suite.server, { scopes: ['read=Read'] }), await createApi(suite.server, { scopes: ['read=Read'] })];
      const { as, browser } = await setUp([first, second], false);
      const consent = await authorize(as, browser, 'openid read', [first.identifier]);
      await allow(browser, await consentPage(browser, consent));
      const silent = (resource: string) => browser.get(`${authorizeUrl(as.client, { scope: 'openid read', prompt: 'none' })}&resource=${encodeURIComponent(resource)}`);
      assert.ok(redirectParameters(await silent(first.identifier)).get('code'));
      assertErrorRedirect(await silent(second.identifier), 'consent_required', suite.server.config.issuer);
    });

    it('shows one consent line per API and scope the client may use there, exactly what consent records', async () => {
      const api = (name: string) => createApi(suite.server, { name, scopes: [`read=Read ${name}`, `write=Change ${name}`] });
      const [alpha, beta] = [await api('Alpha'), await api('Beta')];
      const { as, browser, user } = await setUp([alpha], false);
      await apiRegistration(suite.server).allowClient(as.client.clientId, beta.identifier, ['read']);
      const page = await consentPage(browser, await authorize(as, browser, 'openid read write', [alpha.identifier, beta.identifier]));
      const lines = [...page.matchAll(/<li>(.*?)<\/li>/g)].map(([, line]) => line);
      // Beta defines write too, but this client may not use it there: nothing about it is shown or recorded.
      assert.deepEqual(lines.sort(), [suite.server.config.scopes.openid, 'Alpha: Change Alpha', 'Alpha: Read Alpha', 'Beta: Read Beta'].sort());
      await allow(browser, page);
      const consented = (await suite.server.store.consents.find(user.userId, as.client.clientId))?.scope.split(' ');
      assert.deepEqual(consented?.sort(), ['openid', `${alpha.identifier}#read`, `${alpha.identifier}#write`, `${beta.identifier}#read`].sort());
    });

    it('gives an API token only what was consented to at that API and is still allowed, whatever the client is allowed later', async () => {
      const scopes = ['read=Read', 'write=Write'];
      const [a, b] = [await createApi(suite.server, { scopes }), await createApi(suite.server, { scopes })];
      const { as, browser, user } = await setUp([], false);
      const registration = apiRegistration(suite.server);
      await registration.allowClient(as.client.clientId, a.identifier, ['read']);
      await registration.allowClient(as.client.clientId, b.identifier, ['write']);
      const code = await allow(browser, await consentPage(browser, await authorize(as, browser, 'openid offline_access read write', [a.identifier, b.identifier])));
      const consented = await suite.server.store.consents.find(user.userId, as.client.clientId);
      assert.equal(consented?.scope, `openid offline_access ${a.identifier}#read ${b.identifier}#write`);
      // The operator now allows read at B too: the person never consented to it, so no token for B carries it.
      await registration.allowClient(as.client.clientId, b.identifier, ['read', 'write']);
      const body = await tokens(await redeem(as, code, b.identifier));
      assert.equal(body.scope, 'write');
      const refresh = (refreshToken: string, resource: string) => postToken(suite.server, { grant_type: 'refresh_token', refresh_token: refreshToken, resource }, { as });
      const forB = await tokens(await refresh(body.refresh_token!, b.identifier));
      assert.equal(forB.scope, 'write');
      assert.equal((await verifyJwt(suite.server, forB.access_token, { typ: 'at+jwt', audience: b.identifier })).payload.scope, 'write');
      // Only what is still allowed, too: read withdrawn at A (write allowed instead) leaves nothing for A.
      await registration.allowClient(as.client.clientId, a.identifier, ['write']);
      assert.equal((await tokens(await refresh(forB.refresh_token!, a.identifier))).scope, '');
    });
  });
});
