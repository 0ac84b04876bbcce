// A device code the person approved but the device has not yet redeemed is withdrawn (RFC 8628 §3.5: access_denied)
// when the approving session ends (/logout, the account page's "Sign out") or the password changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionCookieName } from '../../src/sessions/sessions.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { openAccount, signInToAccount } from '../support/account.js';
import { hiddenFields } from '../support/authorization.js';
import type { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { createDeviceClient, decideOnDevice, pollDeviceToken, startDeviceAuthorization } from '../support/device.js';
import { assertTokenError, createUser } from '../support/flow-fixtures.js';
import { PASSWORD, postForm } from '../support/login.js';
import { useTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`device approvals withdrawn with the approving session (${engine.name})`, () => {
    const suite = useTestServer(engine);

    /** Signs a new user in at /account, approves a new device authorization in that browser, and returns both. */
    async function approveInAccountBrowser() {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const browser = await signInToAccount(suite.server, user);
      const authorization = await startDeviceAuthorization(suite.server, as);
      assert.equal((await decideOnDevice(suite.server, user, authorization.user_code, 'allow', browser)).status, 200);
      const poll = () => pollDeviceToken(suite.server, as, authorization.device_code);
      return { browser, poll };
    }

    const sessionIdOf = async (browser: BrowserLike) => {
      const cookie = browser.cookie(sessionCookieName(suite.server.config)) ?? '';
      return (await suite.server.store.sessions.findLive(hashOpaqueValue(cookie), Math.floor(Date.now() / 1000)))?.sessionId ?? '';
    };

    it('answers access_denied after the person signs out at /logout', async () => {
      const { browser, poll } = await approveInAccountBrowser();
      const { csrf_token: csrfToken } = hiddenFields(await (await browser.get('/logout')).text());
      const signedOut = await postForm(browser, '/logout', { csrf_token: csrfToken ?? '' });
      assert.match(await signedOut.text(), /You are signed out/);
      await assertTokenError(await poll(), 'access_denied');
    });

    it('answers access_denied after the person signs that session out on the account page', async () => {
      const { browser, poll } = await approveInAccountBrowser();
      const { csrfToken } = await openAccount(browser);
      const signedOut = await postForm(browser, '/account/sessions/sign-out', { csrf_token: csrfToken, session_id: await sessionIdOf(browser) });
      assert.match(await signedOut.text(), /You are signed out/);
      await assertTokenError(await poll(), 'access_denied');
    });

    it('answers access_denied after the person changes their password', async () => {
      const { browser, poll } = await approveInAccountBrowser();
      const { csrfToken } = await openAccount(browser);
      const password = 'a much longer new passphrase';
      const changed = await postForm(browser, '/account/password', { csrf_token: csrfToken, current_password: PASSWORD, new_password: password, confirm_password: password });
      assert.equal(changed.status, 303, await changed.clone().text());
      await assertTokenError(await poll(), 'access_denied');
    });

    it('leaves a device code already redeemed as it was (invalid_grant, not access_denied) when the session ends', async () => {
      const { browser, poll } = await approveInAccountBrowser();
      assert.equal((await poll()).status, 200);
      const { csrf_token: csrfToken } = hiddenFields(await (await browser.get('/logout')).text());
      await postForm(browser, '/logout', { csrf_token: csrfToken ?? '' });
      await assertTokenError(await poll(), 'invalid_grant');
    });
  });
});
