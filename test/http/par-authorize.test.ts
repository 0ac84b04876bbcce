// /authorize with a request_uri from /par (RFC 9126 §4): the pushed request replaces the query, once, for its own
// client, until it expires; every refusal is a page. Clients (or every client) may be required to push.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertErrorPage, assertErrorRedirect, CODE_VERIFIER, hiddenFields, redirectParameters, STATE } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { createClient, createUser, epochNow, postToken, REDIRECT_URI, type TestClient } from '../support/flow-fixtures.js';
import { PASSWORD, postLogin } from '../support/login.js';
import { eventually } from '../support/logout-receiver.js';
import { postPushedRequest, pushedAuthorizeUrl, pushedParameters, pushRequest } from '../support/pushed-requests.js';
import { useTestServer, type TestServer } from '../support/server.js';
import type { UserRecord } from '../../src/store/records.js';

const EXPIRED_TITLE = 'This sign-in request has expired';

/** Logs `user` in on the login page `response` sends the browser to; returns the first answer after the login that leaves /login. */
async function logIn(server: TestServer, browser: BrowserLike, response: Response, user: UserRecord): Promise<Response> {
  const location = new URL(response.headers.get('location') ?? '', server.url);
  assert.equal(`${response.status} ${location.pathname}`, '303 /login', 'the authorization endpoint asks for a login');
  const fields = hiddenFields(await (await browser.get(`${location.pathname}${location.search}`)).text());
  const flow = { browser, interactionId: fields.interaction!, csrfToken: fields.csrf_token! };
  return browser.follow(await postLogin(flow, { username: user.username, password: PASSWORD }));
}

/** A page refusing the request_uri: 400, never a redirect, with the expired wording and the error code. */
async function assertRequestUriRefused(response: Response): Promise<string> {
  const page = await assertErrorPage(response);
  assert.ok(page.includes(EXPIRED_TITLE), 'the person is told to start again');
  assert.ok(page.includes('invalid_request_uri'));
  return page;
}

function redeem(server: TestServer, as: TestClient, code: string): Promise<Response> {
  return postToken(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER }, { as });
}

forEachEngine((engine) => {
  describe(`pushed authorization requests at /authorize (${engine.name})`, () => {
    // Client changes are seen at once, so a request re-validated after a change sees it.
    const suite = useTestServer(engine, { GATEHOUSE_LIMITS_CLIENT_CACHE_TTL: '0' });
    const browser = () => new BrowserLike(suite.server.url);

    it('completes the code flow from the pushed request, ignoring every other query parameter', async () => {
      const { server } = suite;
      const as = await createClient(server, { firstParty: true });
      const user = await createUser(server);
      const requestUri = await pushRequest(server, as);
      const visitor = browser();
      // RFC 9126 §4: only client_id and request_uri count; these would each be an error, or another target, if read.
      const extra = { redirect_uri: 'https://evil.example/cb', state: 'evil', response_type: 'token', scope: 'openid email', code_challenge_method: 'plain' };
      const answer = await logIn(server, visitor, await visitor.get(pushedAuthorizeUrl(as.client.clientId, requestUri, extra)), user);
      const parameters = redirectParameters(answer, REDIRECT_URI);
      assert.equal(parameters.get('state'), STATE);
      assert.equal(parameters.get('iss'), server.config.issuer);
      const tokens = await redeem(server, as, parameters.get('code')!);
      const body = (await tokens.json()) as { scope?: string; id_token?: string };
      assert.equal(tokens.status, 200, JSON.stringify(body));
      assert.equal(body.scope, 'openid profile', 'the pushed scope, not the query one');
    });

    it('carries on from the interaction after login: the consent page reloads, and the code follows', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const user = await createUser(server);
      const visitor = browser();
      const consent = await logIn(server, visitor, await visitor.get(pushedAuthorizeUrl(as.client.clientId, await pushRequest(server, as))), user);
      assert.equal(consent.status, 200, 'the consent page');
      const reloaded = await visitor.get(consent.url);
      assert.equal(reloaded.status, 200, 'a reload of the consent page works: the request_uri is not read again');
      const fields = hiddenFields(await reloaded.text());
      const parameters = redirectParameters(await visitor.postForm('/consent', { ...fields, decision: 'allow' }), REDIRECT_URI);
      assert.equal((await redeem(server, as, parameters.get('code')!)).status, 200);
    });

    it('refuses a request_uri used twice with a page, and records the replay', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const url = pushedAuthorizeUrl(as.client.clientId, await pushRequest(server, as));
      const first = await browser().get(url);
      assert.equal(first.status, 303);
      await assertRequestUriRefused(await browser().get(url));
      await eventually('the replay is audited', async () =>
        (await server.store.audit.list({ limit: 100, type: 'request_uri.replayed' })).some((event) => event.clientId === as.client.clientId),
      );
    });

    it('refuses another client presenting the request_uri, which leaves it usable by its own', async () => {
      const { server } = suite;
      const [as, other] = [await createClient(server), await createClient(server)];
      const requestUri = await pushRequest(server, as);
      const page = await assertRequestUriRefused(await browser().get(pushedAuthorizeUrl(other.client.clientId, requestUri)));
      assert.ok(page.includes(`Return to ${other.client.clientName}`), 'the page leads back to the application named by client_id');
      assert.equal((await browser().get(pushedAuthorizeUrl(as.client.clientId, requestUri))).status, 303);
    });

    it('refuses an unknown, empty, oversized or repeated request_uri with a page', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const prefix = 'urn:ietf:params:oauth:request_uri:';
      for (const requestUri of [`${prefix}${'A'.repeat(43)}`, prefix, `${prefix}${'x'.repeat(5000)}`]) {
        await assertRequestUriRefused(await browser().get(pushedAuthorizeUrl(as.client.clientId, requestUri)));
      }
      const requestUri = await pushRequest(server, as);
      const repeated = `/authorize?client_id=${as.client.clientId}&request_uri=${encodeURIComponent(requestUri)}&request_uri=${encodeURIComponent(requestUri)}`;
      await assertRequestUriRefused(await browser().get(repeated));
    });

    it('refuses a request_uri without client_id, or with an unknown one, with a broken-link page', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const requestUri = await pushRequest(server, as);
      for (const url of [`/authorize?request_uri=${encodeURIComponent(requestUri)}`, pushedAuthorizeUrl('no-such-client', requestUri)]) {
        const page = await assertErrorPage(await browser().get(url));
        assert.ok(page.includes('This sign-in link is broken'));
      }
      assert.equal((await browser().get(pushedAuthorizeUrl(as.client.clientId, requestUri))).status, 303, 'still unused');
    });

    it('validates the pushed request again: a redirect URI unregistered since the push gets a page', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const requestUri = await pushRequest(server, as);
      await server.store.clients.update(as.client.clientId, { redirectUris: ['https://client.example/other'] }, epochNow());
      const page = await assertErrorPage(await browser().get(pushedAuthorizeUrl(as.client.clientId, requestUri)));
      assert.ok(page.includes('This sign-in link is broken'));
    });

    it('refuses a plain request from a client that must push, at its redirect URI once that is validated', async () => {
      const { server } = suite;
      const as = await createClient(server, { requirePushedAuthorizationRequests: true });
      const direct = `/authorize?${new URLSearchParams(pushedParameters(as)).toString()}`;
      const refused = await browser().get(direct);
      assertErrorRedirect(refused.clone(), 'invalid_request', server.config.issuer, { redirectUri: REDIRECT_URI });
      assert.match(redirectParameters(refused, REDIRECT_URI).get('error_description') ?? '', /must use pushed authorization requests/);
      const unregistered = `/authorize?${new URLSearchParams(pushedParameters(as, { redirect_uri: 'https://evil.example/cb' })).toString()}`;
      await assertErrorPage(await browser().get(unregistered));
      assert.equal((await browser().get(pushedAuthorizeUrl(as.client.clientId, await pushRequest(server, as)))).status, 303, 'a pushed request is taken');
    });
  });

  describe(`pushed authorization requests expire (${engine.name})`, () => {
    let offset = 0;
    const suite = useTestServer(engine, {}, { clock: () => epochNow() + offset });

    it('takes a request_uri within its 60 s and refuses it from then on', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const [early, late] = [await pushRequest(server, as), await pushRequest(server, as)];
      offset += 30;
      assert.equal((await new BrowserLike(server.url).get(pushedAuthorizeUrl(as.client.clientId, early))).status, 303);
      offset += 30;
      await assertRequestUriRefused(await new BrowserLike(server.url).get(pushedAuthorizeUrl(as.client.clientId, late)));
    });
  });

  describe(`pushed authorization requests required of every client (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_PAR_REQUIRED: 'true', GATEHOUSE_PAR_REQUEST_LIFETIME: '120' });

    it('says so in discovery, refuses plain requests and takes pushed ones for par.requestLifetime', async () => {
      const { server } = suite;
      const document = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(document.require_pushed_authorization_requests, true);
      const as = await createClient(server);
      assertErrorRedirect(await new BrowserLike(server.url).get(`/authorize?${new URLSearchParams(pushedParameters(as)).toString()}`), 'invalid_request', server.config.issuer, { redirectUri: REDIRECT_URI });
      const pushed = await postPushedRequest(server, as);
      const body = (await pushed.json()) as { request_uri: string; expires_in: number };
      assert.equal(pushed.status, 201);
      assert.equal(body.expires_in, 120);
      assert.equal((await new BrowserLike(server.url).get(pushedAuthorizeUrl(as.client.clientId, body.request_uri))).status, 303);
    });
  });
});
