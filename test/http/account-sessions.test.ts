// The account page's sessions: "Sign out" of one session (another's id refused), of this device, and "Sign out
// everywhere", each ending sessions as /logout does (back-channel logout queued and delivered).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { sessionCookieName } from '../../src/sessions/sessions.js';
import { connectApplication, openAccount, signInToAccount } from '../support/account.js';
import { assertErrorPage } from '../support/authorization.js';
import type { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { postForm, seedClient, seedUser } from '../support/login.js';
import { eventually, startLogoutReceiver, verifyLogoutToken, type LogoutReceiver } from '../support/logout-receiver.js';
import { useTestServer } from '../support/server.js';

const sessionIdsIn = (page: string): string[] => [...page.matchAll(/name="session_id" value="([^"]+)"/g)].map((match) => match[1]!);

forEachEngine((engine) => {
  describe(`account page sessions (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_BACK_CHANNEL_LOGOUT_POLL_INTERVAL: '50' });
    let receiver: LogoutReceiver;
    before(async () => (receiver = await startLogoutReceiver()));
    after(() => receiver.close());

    const now = (): number => Math.floor(Date.now() / 1000);
    const isLive = async (browser: BrowserLike) => {
      const cookie = browser.cookie(sessionCookieName(suite.server.config)) ?? '';
      return (await suite.server.store.sessions.findLive(hashOpaqueValue(cookie), now())) !== undefined;
    };
    const currentSessionId = async (browser: BrowserLike) => {
      const cookie = browser.cookie(sessionCookieName(suite.server.config)) ?? '';
      return (await suite.server.store.sessions.findLive(hashOpaqueValue(cookie), now()))?.sessionId ?? '';
    };

    it("signs out another of the person's sessions, which its applications hear of, and keeps this one", async () => {
      const user = await seedUser(suite.server.store);
      const client = await seedClient(suite.server.store, { backchannelLogoutUri: receiver.url, grantTypes: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access' });
      const laptop = await signInToAccount(suite.server, user);
      const phone = await signInToAccount(suite.server, user);
      const tokens = await connectApplication(suite.server, phone, client);
      const { page, csrfToken } = await openAccount(laptop);
      const phoneSession = await currentSessionId(phone);
      assert.deepEqual(new Set(sessionIdsIn(page)), new Set([await currentSessionId(laptop), phoneSession]));

      const response = await postForm(laptop, '/account/sessions/sign-out', { csrf_token: csrfToken, session_id: phoneSession });
      assert.equal(`${response.status} ${response.headers.get('location')}`, `303 ${suite.server.config.issuer}/account?done=signed_out`);
      assert.equal(await isLive(phone), false);
      assert.equal(await isLive(laptop), true);
      assert.equal((await phone.get('/account')).status, 303, 'the signed-out browser must sign in again');
      await eventually('the logout token is delivered', async () => {
        for (const token of receiver.accepted) if ((await verifyLogoutToken(token, suite.server.config.issuer, client.clientId)).sid === decodeJwt(tokens.id_token).sid) return true;
        return false;
      });
    });

    it("refuses another person's session id, or one already ended, and ends nothing", async () => {
      const user = await seedUser(suite.server.store);
      const someoneElse = await signInToAccount(suite.server, await seedUser(suite.server.store));
      const browser = await signInToAccount(suite.server, user);
      const { csrfToken } = await openAccount(browser);
      for (const sessionId of [await currentSessionId(someoneElse), 'no-such-session']) {
        const page = await assertErrorPage(await postForm(browser, '/account/sessions/sign-out', { csrf_token: csrfToken, session_id: sessionId }));
        assert.match(page, /That session is not one of yours, or it has already ended\./);
      }
      assert.equal(await isLive(someoneElse), true);
      await assertErrorPage(await postForm(browser, '/account/sessions/sign-out', { csrf_token: 'wrong', session_id: await currentSessionId(browser) }), 403);
      await assertErrorPage(await postForm(browser, '/account/sessions/sign-out-everywhere', {}), 403);
      assert.equal(await isLive(browser), true);
    });

    it('signs out this device: its cookie is cleared and it says so', async () => {
      const browser = await signInToAccount(suite.server, await seedUser(suite.server.store));
      const { csrfToken } = await openAccount(browser);
      const response = await postForm(browser, '/account/sessions/sign-out', { csrf_token: csrfToken, session_id: await currentSessionId(browser) });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /<h1>You are signed out<\/h1>/);
      assert.match(response.headers.getSetCookie().join('\n'), /Max-Age=0/);
    });

    it('signs out everywhere: every session of the person ends, and no one else\'s', async () => {
      const user = await seedUser(suite.server.store);
      const bystander = await signInToAccount(suite.server, await seedUser(suite.server.store));
      const browsers = [await signInToAccount(suite.server, user), await signInToAccount(suite.server, user), await signInToAccount(suite.server, user)];
      const { csrfToken } = await openAccount(browsers[0]!);
      const response = await postForm(browsers[0]!, '/account/sessions/sign-out-everywhere', { csrf_token: csrfToken });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /You are signed out/);
      for (const browser of browsers) assert.equal(await isLive(browser), false);
      assert.equal(await isLive(bystander), true);
      assert.deepEqual(await suite.server.store.sessions.listLiveForUser(user.userId, now()), []);
    });
  });
});
