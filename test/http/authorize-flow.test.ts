// Authorization endpoint, the flow after validation: sessions, prompt, max_age, the real login form and code binding.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { hashPassword } from '../../src/users/password.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import {
  assertErrorRedirect,
  assertPageHeaders,
  authorizeUrl,
  CALLBACK,
  CODE_CHALLENGE,
  epochNow,
  hiddenFields,
  plantSession,
  redirectParameters,
  registerClient,
  registerUser,
  STATE,
} from '../support/authorization.js';

const PASSWORD = 'correct horse battery staple';

forEachEngine((engine) => {
  describe('authorization endpoint: sessions, login and codes', () => {
    const suite = useTestServer(engine);
    let passwordHash: string;
    before(async () => {
      passwordHash = await hashPassword(PASSWORD);
    });
    const browser = () => new BrowserLike(suite.server.url);
    const loginLocation = /^http:\/\/127\.0\.0\.1:\d+\/login\?interaction=[A-Za-z0-9_-]{43}$/;

    it('sends a browser without a session to the login page through a cookie-bound interaction', async () => {
      const client = await registerClient(suite.database.store);
      const response = await browser().get(authorizeUrl(client));
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location') ?? '', loginLocation);
      const cookie = response.headers.getSetCookie().find((header) => header.startsWith('gatehouse_interaction='));
      assert.ok(cookie, 'an interaction cookie');
      assert.match(cookie, /; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    });

    it('answers prompt=none with a session but no consent with consent_required', async () => {
      const [client, user] = [await registerClient(suite.database.store), await registerUser(suite.database.store)];
      const visitor = browser();
      await plantSession(suite.database.store, suite.server.config, visitor, user);
      assertErrorRedirect(await visitor.get(authorizeUrl(client, { prompt: 'none' })), 'consent_required', suite.server.config.issuer);
    });

    it('issues a code for prompt=none with a session and earlier consent, bound to everything in the request', async () => {
      const [client, user] = [await registerClient(suite.database.store), await registerUser(suite.database.store)];
      const visitor = browser();
      const session = await plantSession(suite.database.store, suite.server.config, visitor, user, { authTime: epochNow() - 30 });
      await suite.database.store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid profile email', createdAt: 1, updatedAt: 1, lastUsedAt: null });
      const parameters = redirectParameters(await visitor.get(authorizeUrl(client, { prompt: 'none', scope: 'openid profile' })));
      assert.equal(parameters.get('state'), STATE);
      assert.equal(parameters.get('iss'), suite.server.config.issuer);
      const code = parameters.get('code') ?? '';
      assert.match(code, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
      const result = await suite.database.store.authorizationCodes.consume(hashOpaqueValue(code), epochNow());
      assert.equal(result.outcome, 'redeemed');
      if (result.outcome !== 'redeemed') return;
      const { record } = result;
      assert.deepEqual(
        // The flow id is random: only that the code has one.
        { ...record, createdAt: 0, expiresAt: record.expiresAt - record.createdAt, consumedAt: null, flowId: typeof record.flowId },
        {
          codeHash: hashOpaqueValue(code),
          clientId: client.clientId,
          userId: user.userId,
          sessionId: session.sessionId,
          redirectUri: CALLBACK,
          redirectUriSent: true,
          scope: 'openid profile',
          codeChallenge: CODE_CHALLENGE,
          codeChallengeMethod: 'S256',
          nonce: 'n-0S6_WzA2Mj',
          authTime: session.authTime,
          resources: [],
          apiScope: '',
          dpopJkt: null,
          flowId: 'string',
          createdAt: 0,
          expiresAt: suite.server.config.tokens.authorizationCodeTtl,
          consumedAt: null,
        },
      );
    });

    it('skips consent for a first-party client', async () => {
      const [client, user] = [await registerClient(suite.database.store, { firstParty: true }), await registerUser(suite.database.store)];
      const visitor = browser();
      await plantSession(suite.database.store, suite.server.config, visitor, user);
      assert.ok(redirectParameters(await visitor.get(authorizeUrl(client))).get('code'));
    });

    it('asks for a new login on prompt=login and when max_age has passed, and says login_required with prompt=none', async () => {
      const [client, user] = [await registerClient(suite.database.store, { firstParty: true }), await registerUser(suite.database.store)];
      const visitor = browser();
      await plantSession(suite.database.store, suite.server.config, visitor, user, { authTime: epochNow() - 600 });
      assert.match((await visitor.get(authorizeUrl(client, { prompt: 'login' }))).headers.get('location') ?? '', loginLocation);
      assert.match((await visitor.get(authorizeUrl(client, { max_age: '60' }))).headers.get('location') ?? '', loginLocation);
      assertErrorRedirect(await visitor.get(authorizeUrl(client, { prompt: 'none', max_age: '60' })), 'login_required', suite.server.config.issuer);
      assert.ok(redirectParameters(await visitor.get(authorizeUrl(client, { max_age: '3600' }))).get('code'));
    });

    it('logs in through the real login form, consents, and redirects with a code (max_age=0 does not loop)', async () => {
      const client = await registerClient(suite.database.store, { clientName: 'Flow <App>' });
      const user = await registerUser(suite.database.store, { passwordHash });
      const visitor = browser();
      const loginPage = await visitor.follow(await visitor.get(authorizeUrl(client, { max_age: '0', login_hint: user.username })));
      assert.equal(loginPage.status, 200);
      assertPageHeaders(loginPage);
      const loginHtml = await loginPage.text();
      assert.ok(loginHtml.includes('Flow &lt;App&gt;'));
      const { interaction = '', csrf_token = '' } = hiddenFields(loginHtml);
      const afterLogin = await visitor.postForm('/login', { interaction, csrf_token, username: user.username, password: PASSWORD });
      assert.equal(afterLogin.status, 303);
      const consentPage = await visitor.follow(afterLogin);
      assert.equal(consentPage.status, 200);
      const consent = hiddenFields(await consentPage.text());
      assert.equal(consent.interaction, interaction);
      const decided = await visitor.postForm('/consent', { ...consent, decision: 'allow' });
      const code = redirectParameters(decided).get('code') ?? '';
      const result = await suite.database.store.authorizationCodes.consume(hashOpaqueValue(code), epochNow());
      assert.equal(result.outcome === 'redeemed' && result.record.userId, user.userId);
      assert.equal(visitor.cookie('gatehouse_interaction'), undefined, 'the interaction cookie is cleared');
    });

    it('refuses to resume an interaction from another browser, without a cookie, or twice', async () => {
      const [client, user] = [await registerClient(suite.database.store, { firstParty: true }), await registerUser(suite.database.store)];
      const [owner, other] = [browser(), browser()];
      const started = await owner.get(authorizeUrl(client));
      const interaction = new URL(started.headers.get('location') ?? '').searchParams.get('interaction') ?? '';
      await other.get(authorizeUrl(client));
      for (const visitor of [other, browser()]) {
        await plantSession(suite.database.store, suite.server.config, visitor, user);
        const refused = await visitor.get(`/authorize/resume?interaction=${interaction}`);
        assert.equal(refused.status, 400);
        assertPageHeaders(refused);
        assert.equal(refused.headers.get('location'), null);
      }
      await plantSession(suite.database.store, suite.server.config, owner, user);
      const cookie = owner.cookie('gatehouse_interaction') ?? '';
      assert.ok(redirectParameters(await owner.get(`/authorize/resume?interaction=${interaction}`)).get('code'));
      owner.setCookie('gatehouse_interaction', cookie);
      assert.equal((await owner.get(`/authorize/resume?interaction=${interaction}`)).status, 400, 'single use');
    });

    it('shows an error page when resuming an expired interaction', async () => {
      const [client, user] = [await registerClient(suite.database.store, { firstParty: true }), await registerUser(suite.database.store)];
      const visitor = browser();
      const started = await visitor.get(authorizeUrl(client));
      const interaction = new URL(started.headers.get('location') ?? '').searchParams.get('interaction') ?? '';
      await suite.database.sql(`update interactions set expires_at = ${epochNow() - 1} where interaction_hash = '${hashOpaqueValue(interaction)}'`);
      await plantSession(suite.database.store, suite.server.config, visitor, user);
      const response = await visitor.get(`/authorize/resume?interaction=${interaction}`);
      assert.equal(response.status, 400);
      assert.match(await response.text(), /has expired/);
    });
  });
});
