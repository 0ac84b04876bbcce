// RP-Initiated Logout 1.0 at /logout: the hint, client_id and post_logout_redirect_uri checks, confirmation, state.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { CompactSign } from 'jose';
import type { ClientRecord, SessionRecord, UserRecord } from '../../src/store/records.js';
import { createAccessToken } from '../../src/tokens/access-token.js';
import { createIdToken } from '../../src/tokens/id-token.js';
import { signJwt } from '../../src/tokens/jwt.js';
import type { SigningKey } from '../../src/tokens/keys/signing-key.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { assertErrorPage, assertPageHeaders, authorizeUrl, CODE_VERIFIER, hiddenFields, plantSession, redirectParameters } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { assertTokenError, auditEvents, createClient, createUser, epochNow, pkcePair, postToken, redeemCode, REDIRECT_URI, type TestClient } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const BYE = 'https://client.example/bye?from=gatehouse';
const OTHER_BYE = 'https://client.example/signed-out';
const STATE = 'st a+te/&=?é<"\'>';

forEachEngine((engine) => {
  describe(`end_session_endpoint (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let app: TestClient;
    let user: UserRecord;
    before(async () => {
      app = await createClient(suite.server, { clientName: 'Shop <&> App', firstParty: true, postLogoutRedirectUris: [BYE, OTHER_BYE] });
      user = await createUser(suite.server);
    });

    const server = () => suite.server;
    const serverKey = (): SigningKey => server().keyRing.activeKey('RS256')!;

    /** An ID token as Gatehouse issues them, for `client`, of session `sessionId` (issued `age` seconds ago). */
    function idToken(client: ClientRecord, userId: string, sessionId: string, age = 0, key = serverKey()): string {
      const now = epochNow() - age;
      const input = { issuer: server().config.issuer, userId, clientId: client.clientId, authTime: now, sessionId, nonce: null, accessToken: 'a', now, ttl: 600 };
      return createIdToken(input, key);
    }

    async function signedIn(): Promise<{ browser: BrowserLike; session: SessionRecord }> {
      const browser = new BrowserLike(server().url);
      return { browser, session: await plantSession(server().store, server().config, browser, user) };
    }

    /** A JWS of Gatehouse's key over an arbitrary payload, as no Gatehouse token would be. */
    const signRaw = (payload: string) =>
      new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', kid: serverKey().kid, typ: 'JWT' }).sign(serverKey().privateKey);

    const isLive = async (session: SessionRecord) => (await server().store.sessions.findLive(session.sessionHash, epochNow())) !== undefined;
    const logoutUrl = (parameters: Record<string, string>) => `/logout?${new URLSearchParams(parameters).toString()}`;

    it('with a hint of the current session, ends it at once and returns to the registered URI with state exactly', async () => {
      const { browser, session } = await signedIn();
      const hint = idToken(app.client, user.userId, session.sessionId);
      const response = await browser.get(logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: BYE, state: STATE }));
      assert.equal(response.status, 303);
      const location = response.headers.get('location') ?? '';
      assert.ok(location.startsWith(`${BYE}&state=`), location);
      assert.equal(new URL(location).searchParams.get('state'), STATE);
      assert.equal(new URL(location).searchParams.get('from'), 'gatehouse', 'the registered query is kept');
      assert.equal(await isLive(session), false);
      assert.equal(browser.cookie('gatehouse_session'), undefined, 'the cookie is cleared');
      const events = await auditEvents(server(), 'session.ended');
      assert.ok(events.some((event) => event.userId === user.userId && event.clientId === app.client.clientId), 'the asking client is audited');
      assert.ok(server().logs().includes('/logout?id_token_hint=[redacted]'), 'the request is logged');
      assert.ok(!server().logs().includes(hint), 'the hint never is');
    });

    it('accepts the hint of a real code flow, an expired hint, a POSTed request, and ignores ui_locales', async () => {
      const { browser, session } = await signedIn();
      const code = redirectParameters(await browser.get(authorizeUrl(app.client)), REDIRECT_URI).get('code')!;
      const tokens = await redeemCode(server(), app, code, pkcePair(CODE_VERIFIER));
      const real = await browser.get(logoutUrl({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: OTHER_BYE, ui_locales: 'fr-CA en' }));
      assert.equal(real.headers.get('location'), OTHER_BYE, 'no state sent, none added; the URI byte for byte');
      assert.equal(await isLive(session), false);

      const second = await signedIn();
      const expired = idToken(app.client, user.userId, second.session.sessionId, 86_400);
      const posted = await second.browser.postForm('/logout', { id_token_hint: expired, client_id: app.client.clientId });
      assert.equal(posted.status, 200);
      assert.match(await posted.text(), /<h1>You are signed out<\/h1>/);
      assert.equal(await isLive(second.session), false);
    });

    it('repeats a logout request POSTed without the session cookie (a cross-site POST) as a GET, which carries it', async () => {
      const { browser, session } = await signedIn();
      const hint = idToken(app.client, user.userId, session.sessionId);
      const parameters = { id_token_hint: hint, post_logout_redirect_uri: BYE, state: STATE };
      const crossSite = await new BrowserLike(server().url).postForm('/logout', parameters);
      assert.equal(crossSite.status, 303);
      assert.equal(crossSite.headers.get('location'), `${server().config.issuer}${logoutUrl(parameters)}`);
      assert.equal(await isLive(session), true, 'nothing ended, and the client was not sent back as if it had');
      const followed = await browser.get(new URL(crossSite.headers.get('location')!).pathname + new URL(crossSite.headers.get('location')!).search);
      assert.equal(new URL(followed.headers.get('location')!).searchParams.get('state'), STATE);
      assert.equal(await isLive(session), false);
      const unregistered = await new BrowserLike(server().url).postForm('/logout', { ...parameters, post_logout_redirect_uri: 'https://evil.example/' });
      assert.equal(unregistered.status, 400, 'a bad request is refused before it is repeated');
    });

    it('takes the session\'s unredeemed codes with it: a code issued before the logout gets no tokens after it', async () => {
      const { browser, session } = await signedIn();
      const code = redirectParameters(await browser.get(authorizeUrl(app.client)), REDIRECT_URI).get('code')!;
      const hint = idToken(app.client, user.userId, session.sessionId);
      assert.equal((await browser.get(logoutUrl({ id_token_hint: hint }))).status, 200);
      const response = await postToken(server(), { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER }, { as: app });
      await assertTokenError(response, 'invalid_grant');
    });

    it('asks first when there is no hint, naming the client escaped, then returns with state after the confirmation', async () => {
      const { browser, session } = await signedIn();
      const response = await browser.get(logoutUrl({ client_id: app.client.clientId, post_logout_redirect_uri: BYE, state: STATE }));
      assert.equal(response.status, 200);
      assertPageHeaders(response);
      const page = await response.text();
      assert.ok(page.includes('<strong>Shop &lt;&amp;&gt; App</strong> asks you to sign out.'));
      assert.equal(await isLive(session), true, 'nothing ends before the person confirms');
      const fields = hiddenFields(page);
      assert.deepEqual({ ...fields, csrf_token: 'x' }, { client_id: app.client.clientId, post_logout_redirect_uri: BYE, state: STATE, csrf_token: 'x' });
      const confirmed = await browser.postForm('/logout', fields);
      assert.equal(confirmed.status, 303);
      assert.equal(new URL(confirmed.headers.get('location')!).searchParams.get('state'), STATE);
      assert.equal(await isLive(session), false);
    });

    it('asks first when the hint is of another session or another user', async () => {
      const other = await createUser(server());
      const { browser, session } = await signedIn();
      for (const hint of [idToken(app.client, user.userId, 'another-session'), idToken(app.client, other.userId, session.sessionId)]) {
        const response = await browser.get(logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: BYE }));
        assert.equal(response.status, 200);
        assert.match(await response.text(), /Sign out of Gatehouse\?/);
      }
      assert.equal(await isLive(session), true);
    });

    it('refuses a confirmation whose parameters were changed after the page was shown', async () => {
      const { browser, session } = await signedIn();
      const fields = hiddenFields(await (await browser.get(logoutUrl({ client_id: app.client.clientId, post_logout_redirect_uri: BYE, state: 's' }))).text());
      for (const changed of [{ post_logout_redirect_uri: OTHER_BYE }, { state: 't' }] as Array<Record<string, string>>) {
        const response = await browser.postForm('/logout', { ...fields, ...changed });
        await assertErrorPage(response, 403);
      }
      assert.equal(await isLive(session), true);
    });

    it('shows an error page, never a redirect, for a hint it did not issue', async () => {
      const { browser, session } = await signedIn();
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const stranger: SigningKey = { kid: serverKey().kid, alg: 'RS256', privateKey };
      const base = { issuer: server().config.issuer, userId: user.userId, clientId: app.client.clientId, authTime: epochNow(), now: epochNow(), ttl: 600 };
      const hints = {
        garbage: 'not.a.jwt',
        'foreign key': idToken(app.client, user.userId, session.sessionId, 0, stranger),
        'access token': createAccessToken({ ...base, scope: 'openid', familyId: 'f' }, server().keyRing.activeKey('ES256')!),
        'other issuer': signJwt({ typ: 'JWT' }, { iss: 'https://evil.example', sub: user.userId, aud: app.client.clientId, sid: session.sessionId }, serverKey()),
        'no audience': signJwt({ typ: 'JWT' }, { iss: server().config.issuer, sub: user.userId, sid: session.sessionId }, serverKey()),
        'no subject': signJwt({ typ: 'JWT' }, { iss: server().config.issuer, aud: app.client.clientId, sid: session.sessionId }, serverKey()),
        'not JSON': await signRaw('not json'),
        'not an object': await signRaw('"a string"'),
      };
      for (const [name, hint] of Object.entries(hints)) {
        const page = await assertErrorPage(await browser.get(logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: BYE, state: 's' })));
        assert.match(page, /ID token hint this service did not issue/, name);
      }
      assert.equal(await isLive(session), true);
    });

    it('shows an error page for a client_id other than the hint\'s, an unknown client, or a redirect URI without a client', async () => {
      const { browser, session } = await signedIn();
      const another = await createClient(server(), { postLogoutRedirectUris: [BYE] });
      const hint = idToken(app.client, user.userId, session.sessionId);
      const mismatch = await browser.get(logoutUrl({ id_token_hint: hint, client_id: another.client.clientId, post_logout_redirect_uri: BYE }));
      assert.match(await assertErrorPage(mismatch), /other than the one its ID token hint was issued to/);
      const unknown = await browser.get(logoutUrl({ client_id: 'no-such-client', post_logout_redirect_uri: BYE }));
      assert.match(await assertErrorPage(unknown), /an application this service does not know/);
      const anonymous = await browser.get(logoutUrl({ post_logout_redirect_uri: BYE, state: 's' }));
      assert.match(await assertErrorPage(anonymous), /without saying which/);
      const repeated = await browser.get(`/logout?client_id=${app.client.clientId}&client_id=${app.client.clientId}`);
      await assertErrorPage(repeated);
      assert.equal(await isLive(session), true);
    });

    it('shows an error page for a post_logout_redirect_uri not registered byte for byte', async () => {
      const { browser, session } = await signedIn();
      const hint = idToken(app.client, user.userId, session.sessionId);
      for (const uri of [`${BYE}&x=1`, BYE.toUpperCase(), 'https://client.example/bye', `${OTHER_BYE}/`, 'https://evil.example/bye', REDIRECT_URI]) {
        const response = await browser.get(logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: uri }));
        assert.match(await assertErrorPage(response), /an address the application did not register/, uri);
      }
      assert.equal(await isLive(session), true);
    });

    it('without a session, returns to the registered URI with state, or says no one is signed in', async () => {
      const browser = new BrowserLike(server().url);
      const back = await browser.get(logoutUrl({ client_id: app.client.clientId, post_logout_redirect_uri: BYE, state: STATE }));
      assert.equal(back.status, 303);
      assert.equal(new URL(back.headers.get('location')!).searchParams.get('state'), STATE);
      const page = await browser.get(logoutUrl({ client_id: app.client.clientId }));
      assert.match(await page.text(), /You are not signed in/);
      const stale = await browser.get(logoutUrl({ id_token_hint: idToken(app.client, user.userId, 'ended-long-ago', 86_400), post_logout_redirect_uri: BYE }));
      assert.equal(stale.headers.get('location'), BYE);
    });

    it('ends the session in the store, so the copied cookie no longer works', async () => {
      const { browser, session } = await signedIn();
      const cookie = browser.cookie('gatehouse_session')!;
      await browser.get(logoutUrl({ id_token_hint: idToken(app.client, user.userId, session.sessionId) }));
      assert.equal(await server().store.sessions.findLive(hashOpaqueValue(cookie), epochNow()), undefined);
    });
  });
});
