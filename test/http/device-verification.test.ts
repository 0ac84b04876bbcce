// The verification page (RFC 8628 §3.3, §5): entering a code, throttling guesses, and confirming through login and consent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertPageHeaders, hiddenFields } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { fromClientIp, TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { forEachEngine } from '../support/database.js';
import { createDeviceClient, decideOnDevice, enterUserCode, pollDeviceToken, startDeviceAuthorization } from '../support/device.js';
import { assertTokenError, auditEvents, createUser } from '../support/flow-fixtures.js';
import { alertText } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const UNRECOGNISED = 'That code wasn&#39;t recognised. Check it and try again.';

forEachEngine((engine) => {
  describe(`device verification page (${engine.name})`, () => {
    const suite = useTestServer(engine, { ...TRUSTING_LOOPBACK_PROXY, GATEHOUSE_DEVICE_AUTHORIZATION_USER_CODE_FAILURES_PER_IP: '3' });

    it('takes the code in lower case without its dash, and shows the client and a device warning before asking', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const { user_code: userCode, device_code: deviceCode } = await startDeviceAuthorization(suite.server, as);
      const browser = new BrowserLike(suite.server.url);
      const typed = ` ${userCode.replace('-', '').toLowerCase()} `;
      const login = await browser.follow(await enterUserCode(browser, typed, fromClientIp('198.51.100.1')));
      assert.equal(new URL(login.url).pathname, '/login');
      assertPageHeaders(login);
      const loginFields = hiddenFields(await login.text());
      const consent = await browser.follow(
        await browser.postForm('/login', { interaction: loginFields.interaction!, csrf_token: loginFields.csrf_token!, username: user.username, password: 'correct horse battery staple' }),
      );
      assert.equal(new URL(consent.url).pathname, '/consent');
      const page = await consent.text();
      assert.ok(page.includes(as.client.clientName), 'the registered name is shown');
      assert.match(page, /A device is asking to connect to your account/);
      assert.match(page, /Connect this device\?/);
      // Nothing is decided until the person confirms.
      await assertTokenError(await pollDeviceToken(suite.server, as, deviceCode), 'authorization_pending');
    });

    it('honours an existing session: a second device goes straight to the confirmation', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const browser = new BrowserLike(suite.server.url);
      const first = await startDeviceAuthorization(suite.server, as);
      await decideOnDevice(suite.server, user, first.user_code, 'allow', browser);
      const second = await startDeviceAuthorization(suite.server, as);
      const confirmation = await browser.follow(await enterUserCode(browser, second.user_code));
      assert.equal(new URL(confirmation.url).pathname, '/consent');
    });

    it('prefills the code from verification_uri_complete but never approves from the link (RFC 8628 §5.4)', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const authorization = await startDeviceAuthorization(suite.server, as);
      const browser = new BrowserLike(suite.server.url);
      await decideOnDevice(suite.server, user, (await startDeviceAuthorization(suite.server, as)).user_code, 'allow', browser);
      const page = await browser.get(new URL(authorization.verification_uri_complete).pathname + new URL(authorization.verification_uri_complete).search);
      assert.equal(page.status, 200);
      assert.ok((await page.text()).includes(`value="${authorization.user_code}"`));
      await assertTokenError(await pollDeviceToken(suite.server, as, authorization.device_code), 'authorization_pending');
    });

    it('answers a wrong code kindly, escaping what was typed', async () => {
      const browser = new BrowserLike(suite.server.url);
      const response = await enterUserCode(browser, '<b>nope</b>', fromClientIp('198.51.100.2'));
      assert.equal(response.status, 200);
      const page = await response.text();
      assert.equal(alertText(page), UNRECOGNISED);
      assert.ok(page.includes('&lt;b&gt;nope&lt;/b&gt;'));
      assert.ok(!page.includes('<b>nope</b>'));
    });

    it('refuses a form without its anti-CSRF token or with another browser\'s', async () => {
      const as = await createDeviceClient(suite.server);
      const { user_code: userCode } = await startDeviceAuthorization(suite.server, as);
      const browser = new BrowserLike(suite.server.url);
      await browser.get('/device');
      const missing = await browser.postForm('/device', { user_code: userCode });
      assert.equal(missing.status, 403);
      const wrong = await browser.postForm('/device', { user_code: userCode, csrf_token: 'forged' });
      assert.equal(wrong.status, 403);
      const noCookie = await new BrowserLike(suite.server.url).postForm('/device', { user_code: userCode, csrf_token: 'forged' });
      assert.equal(noCookie.status, 403);
    });

    it('throttles guessing per network: after the limit even a right code waits, with Retry-After; other networks do not', async () => {
      const as = await createDeviceClient(suite.server);
      const { user_code: userCode } = await startDeviceAuthorization(suite.server, as);
      const browser = new BrowserLike(suite.server.url);
      const guesser = fromClientIp('203.0.113.9');
      for (const guess of ['BBBB-BBBB', 'CCCC-CCCC']) assert.equal(alertText(await (await enterUserCode(browser, guess, guesser)).text()), UNRECOGNISED);
      const locked = await enterUserCode(browser, 'DDDD-DDDD', guesser);
      assert.equal(locked.status, 429);
      assert.equal(locked.headers.get('retry-after'), '60');
      assert.match(alertText(await locked.text()) ?? '', /Too many attempts\. Try again in 1 minute\./);
      const rightCode = await enterUserCode(browser, userCode, guesser);
      assert.equal(rightCode.status, 429);
      const [event] = await auditEvents(suite.server, 'user_code.throttled');
      assert.equal(event?.ip, '203.0.113.9');
      assert.deepEqual(event?.details, { retryAfter: 60 });
      const elsewhere = await enterUserCode(new BrowserLike(suite.server.url), userCode, fromClientIp('192.0.2.77'));
      assert.equal(elsewhere.status, 303);
    });

    it('refuses a second decision on a device code already decided', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const { user_code: userCode } = await startDeviceAuthorization(suite.server, as);
      const browser = new BrowserLike(suite.server.url);
      const login = await browser.follow(await enterUserCode(browser, userCode, fromClientIp('198.51.100.3')));
      const loginFields = hiddenFields(await login.text());
      const consent = await browser.follow(
        await browser.postForm('/login', { interaction: loginFields.interaction!, csrf_token: loginFields.csrf_token!, username: user.username, password: 'correct horse battery staple' }),
      );
      const fields = hiddenFields(await consent.text());
      // Another browser approves meanwhile with the same code.
      await decideOnDevice(suite.server, user, userCode, 'allow');
      const late = await browser.postForm('/consent', { interaction: fields.interaction!, csrf_token: fields.csrf_token!, decision: 'deny' });
      assert.equal(late.status, 400);
      assert.match(await late.text(), /This sign-in request has expired/);
    });

    it('keeps no consent from a late Allow on a device code denied meanwhile', async () => {
      const as = await createDeviceClient(suite.server);
      const user = await createUser(suite.server);
      const { user_code: userCode, device_code: deviceCode } = await startDeviceAuthorization(suite.server, as);
      const browser = new BrowserLike(suite.server.url);
      const login = await browser.follow(await enterUserCode(browser, userCode, fromClientIp('198.51.100.4')));
      const loginFields = hiddenFields(await login.text());
      const consent = await browser.follow(
        await browser.postForm('/login', { interaction: loginFields.interaction!, csrf_token: loginFields.csrf_token!, username: user.username, password: 'correct horse battery staple' }),
      );
      const fields = hiddenFields(await consent.text());
      // The same person denies from another browser meanwhile.
      await decideOnDevice(suite.server, user, userCode, 'deny');
      const late = await browser.postForm('/consent', { interaction: fields.interaction!, csrf_token: fields.csrf_token!, decision: 'allow' });
      assert.equal(late.status, 400);
      assert.match(await late.text(), /This sign-in request has expired/);
      assert.equal(await suite.server.store.consents.find(user.userId, as.client.clientId), undefined);
      assert.deepEqual((await auditEvents(suite.server, 'consent.granted')).filter((event) => event.userId === user.userId), []);
      await assertTokenError(await pollDeviceToken(suite.server, as, deviceCode), 'access_denied');
    });
  });
});
