// The account page's password change: the current password checked and throttled as a login is, the policy and the
// confirmation enforced, and on success every other session ended while this browser stays signed in under a new id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionCookieName } from '../../src/sessions/sessions.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { openAccount, signInToAccount } from '../support/account.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { auditEvents } from '../support/flow-fixtures.js';
import { alertText, PASSWORD, postForm, seedUser } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const NEW_PASSWORD = 'a much longer new passphrase';
const CHANGE = '/account/password';

forEachEngine((engine) => {
  describe(`account page password change (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '3', GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_IP: '1000' });
    const now = (): number => Math.floor(Date.now() / 1000);
    const sessionOf = async (browser: BrowserLike) =>
      suite.server.store.sessions.findLive(hashOpaqueValue(browser.cookie(sessionCookieName(suite.server.config)) ?? ''), now());

    it('refuses a wrong current password, a weak new one and a mismatched confirmation, each with its own message', async () => {
      const user = await seedUser(suite.server.store);
      const browser = await signInToAccount(suite.server, user);
      const { csrfToken } = await openAccount(browser);
      const cases: readonly (readonly [Record<string, string>, string])[] = [
        [{ current_password: 'not it at all', new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD }, 'Your current password is not correct.'],
        [{ current_password: PASSWORD, new_password: 'short', confirm_password: 'short' }, 'The new password must be at least 8 characters.'],
        [{ current_password: PASSWORD, confirm_password: NEW_PASSWORD }, 'The new passwords do not match.'],
        [{ current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: `${NEW_PASSWORD}!` }, 'The new passwords do not match.'],
        [{ current_password: PASSWORD }, 'The new password must not be empty.'],
      ];
      for (const [fields, message] of cases) {
        const response = await postForm(browser, CHANGE, { csrf_token: csrfToken, ...fields });
        assert.equal(response.status, 400, message);
        const page = await response.text();
        assert.equal(alertText(page), message);
        assert.ok(!page.includes(PASSWORD) && !page.includes(NEW_PASSWORD), 'no password is echoed');
      }
      assert.equal((await suite.server.store.users.findById(user.userId))?.passwordHash, user.passwordHash);
      assert.ok(await sessionOf(browser), 'the session goes on');
    });

    it('throttles wrong current passwords like logins, saying how long to wait', async () => {
      const user = await seedUser(suite.server.store);
      const browser = await signInToAccount(suite.server, user);
      const { csrfToken } = await openAccount(browser);
      const wrong = { csrf_token: csrfToken, current_password: 'wrong guess', new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD };
      for (let attempt = 0; attempt < 2; attempt++) assert.equal((await postForm(browser, CHANGE, wrong)).status, 400);
      const locked = await postForm(browser, CHANGE, wrong);
      assert.equal(locked.status, 429);
      assert.equal(locked.headers.get('retry-after'), '60');
      assert.equal(alertText(await locked.text()), 'Too many attempts. Try again in 1 minute.');
      // While the lock holds, even the right password changes nothing.
      const right = await postForm(browser, CHANGE, { ...wrong, current_password: PASSWORD });
      assert.equal(right.status, 429);
      assert.equal((await suite.server.store.users.findById(user.userId))?.passwordHash, user.passwordHash);
    });

    it('refuses a form without the session token or from another site', async () => {
      const user = await seedUser(suite.server.store);
      const browser = await signInToAccount(suite.server, user);
      const { csrfToken } = await openAccount(browser);
      const fields = { current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD };
      assert.equal((await postForm(browser, CHANGE, fields)).status, 403);
      assert.equal((await postForm(browser, CHANGE, { ...fields, csrf_token: `${csrfToken}x` })).status, 403);
      assert.equal((await postForm(browser, CHANGE, { ...fields, csrf_token: csrfToken }, { origin: 'http://localhost:1' })).status, 403);
      assert.equal((await suite.server.store.users.findById(user.userId))?.passwordHash, user.passwordHash);
    });

    it('changes the password: other sessions end, this browser stays signed in under a new session id, audited', async () => {
      const user = await seedUser(suite.server.store);
      const other = await signInToAccount(suite.server, user);
      const browser = await signInToAccount(suite.server, user);
      const before = await sessionOf(browser);
      const { csrfToken } = await openAccount(browser);
      const response = await postForm(browser, CHANGE, { csrf_token: csrfToken, current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
      assert.equal(`${response.status} ${response.headers.get('location')}`, `303 ${suite.server.config.issuer}/account?done=password_changed`);
      const after = await sessionOf(browser);
      assert.ok(after, 'this browser is still signed in');
      assert.notEqual(after.sessionId, before?.sessionId, 'under a new session id');
      assert.equal(await sessionOf(other), undefined, 'the other session ended');
      assert.equal((await suite.server.store.sessions.listLiveForUser(user.userId, now())).length, 1);
      assert.match(await (await browser.get('/account?done=password_changed')).text(), /Your password is changed/);
      const [event] = await auditEvents(suite.server, 'user.password_changed');
      assert.equal(event?.userId, user.userId);
      assert.equal(event?.details.sessionsEnded, 2);
      // The new password signs in; the old one no longer does.
      await signInToAccount(suite.server, user, new BrowserLike(suite.server.url), {}, NEW_PASSWORD);
      await assert.rejects(signInToAccount(suite.server, user), assert.AssertionError);
    });
  });
});
