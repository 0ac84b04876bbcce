// The credential check under the login route: which password work runs for unknown, disabled and throttled attempts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus, type GatehouseEvent } from '../../src/observability/events.js';
import { attemptLogin, argon2Passwords, type LoginAttempt, type PasswordHasher } from '../../src/users/login.js';
import { LoginThrottle, hashUsername, ipNetwork, lockSeconds } from '../../src/users/login-throttle.js';
import { DeviceCookies } from '../../src/users/device-cookies.js';
import { createMessageAuthentication } from '../../src/tokens/keys/message-authentication.js';
import { MAX_PASSWORD_BYTES } from '../../src/users/password.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { PASSWORD, seedUser } from '../support/login.js';

const NOW = 1_700_000_000;
const LIMITS = { loginFailuresPerAccount: 2, loginFailuresPerDevice: 2, loginFailuresPerIp: 100, loginWindow: 900 };
const DEVICE_COOKIES = new DeviceCookies(createMessageAuthentication({ current: 'credential-check-secret-0123456789abcdef', previous: [] }, 'device cookie v1'), 86_400);
const SILENT_LOG = { info: () => undefined, warn: () => undefined };

/** The real argon2 functions, with a record of which ran. */
function spyPasswords(): { passwords: PasswordHasher; calls: string[] } {
  const calls: string[] = [];
  const passwords: PasswordHasher = {
    verify: (phc, password) => (calls.push('verify'), argon2Passwords.verify(phc, password)),
    verifyDummy: (password) => (calls.push('verifyDummy'), argon2Passwords.verifyDummy(password)),
    needsRehash: (phc) => argon2Passwords.needsRehash(phc),
    hash: (password) => (calls.push('hash'), argon2Passwords.hash(password)),
  };
  return { passwords, calls };
}

forEachEngine((engine) => {
  describe('login credential check', () => {
    const current = useTestStore(engine);

    function setup() {
      const { store } = current();
      const events: GatehouseEvent[] = [];
      const bus = new EventBus((error) => assert.fail(String(error)));
      bus.subscribe((event) => void events.push(event));
      const spy = spyPasswords();
      const deps = { store, events: bus, log: SILENT_LOG, throttle: new LoginThrottle(store.loginThrottle, LIMITS), deviceCookies: DEVICE_COOKIES, passwords: spy.passwords };
      const login = (attempt: Partial<LoginAttempt> & Pick<LoginAttempt, 'username'>, now = NOW) =>
        attemptLogin(deps, { password: PASSWORD, ip: '192.0.2.1', clientId: 'client-1', ...attempt }, {}, now);
      return { store, events, calls: spy.calls, login };
    }

    it('verifies an unknown username against the dummy hash, and counts it like any failure', async () => {
      const { login, calls, events } = setup();
      assert.deepEqual(await login({ username: 'nobody' }), { outcome: 'failed' });
      assert.deepEqual(calls, ['verifyDummy']);
      assert.deepEqual(events, [{ type: 'login.failed', clientId: 'client-1', userId: null, usernameHash: hashUsername('nobody'), knownDevice: false }]);
    });

    it('verifies a known user\'s real hash, and a disabled user\'s too, failing it like a wrong password', async () => {
      const { store, login, calls } = setup();
      const user = await seedUser(store);
      const disabled = await seedUser(store, { disabledAt: NOW - 10 });
      assert.deepEqual(await login({ username: user.username, password: 'wrong' }), { outcome: 'failed' });
      assert.deepEqual(await login({ username: disabled.username }), { outcome: 'failed' });
      assert.deepEqual(calls, ['verify', 'verify']);
    });

    it('refuses a locked account without any password work, for known and unknown usernames alike', async () => {
      const { store, login, calls, events } = setup();
      const user = await seedUser(store);
      for (const username of [user.username, 'nobody']) {
        await login({ username, password: 'wrong' });
        const locked = await login({ username, password: 'wrong' });
        assert.deepEqual(locked, { outcome: 'throttled', lock: { scope: 'account', retryAfter: 60 } });
        calls.length = 0;
        assert.deepEqual(await login({ username }, NOW + 30), { outcome: 'throttled', lock: { scope: 'account', retryAfter: 30 } });
        assert.deepEqual(calls, [], 'no hash was checked while locked');
      }
      assert.ok(events.some((event) => event.type === 'login.throttled' && event.retryAfter === 30));
    });

    it('fails a password too long to hash without hashing it, for known and unknown users', async () => {
      const { store, login, calls } = setup();
      const user = await seedUser(store);
      const long = 'x'.repeat(MAX_PASSWORD_BYTES + 1);
      assert.deepEqual(await login({ username: user.username, password: long }), { outcome: 'failed' });
      assert.deepEqual(await login({ username: 'nobody', password: long }), { outcome: 'failed' });
      assert.deepEqual(calls, ['verify', 'verifyDummy']);
    });

    it('succeeds with the right password, clearing the account count', async () => {
      const { store, login, events } = setup();
      const user = await seedUser(store);
      await login({ username: user.username, password: 'wrong' });
      const result = await login({ username: user.username });
      assert.equal(result.outcome, 'succeeded');
      assert.equal((await login({ username: user.username, password: 'wrong' })).outcome, 'failed', 'the count restarted');
      assert.deepEqual(events.filter((event) => event.type === 'login.succeeded'), [{ type: 'login.succeeded', userId: user.userId, clientId: 'client-1' }]);
    });
  });
});

describe('throttle policy', () => {
  it('locks for 60 s at the limit, doubling per further failure, capped at 15 minutes', () => {
    assert.deepEqual([4, 5, 6, 7, 8, 9, 10, 50, 5000].map((failures) => lockSeconds(failures, 5)), [0, 60, 120, 240, 480, 900, 900, 900, 900]);
  });

  it('keys IPv4 addresses as they are and IPv6 by /64', () => {
    assert.equal(ipNetwork('203.0.113.9'), '203.0.113.9');
    assert.equal(ipNetwork('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(ipNetwork('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(ipNetwork('2001:DB8:0001:2::1'), '2001:db8:1:2::/64');
    assert.equal(ipNetwork('2001:db8::1'), '2001:db8::/64');
    assert.equal(ipNetwork('::1'), '::/64');
    assert.equal(ipNetwork('fe80::1%eth0'), 'fe80::/64');
  });
});
