// The cap on concurrent password hashes: past it a login waits its turn, then gets 503 with Retry-After, uncounted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBus, type GatehouseEvent } from '../../src/observability/events.js';
import { createMessageAuthentication } from '../../src/tokens/keys/message-authentication.js';
import { DeviceCookies } from '../../src/users/device-cookies.js';
import { HashingBusy } from '../../src/users/hashing-slots.js';
import { argon2Passwords, attemptLogin, type LoginDeps, type PasswordHasher } from '../../src/users/login.js';
import { hashUsername, LoginThrottle, throttleKeys } from '../../src/users/login-throttle.js';
import { assertPageHeaders } from '../support/authorization.js';
import { createTestStore, forEachEngine, useTestStore } from '../support/database.js';
import { alertText, beginInteraction, INVALID, PASSWORD, postLogin, seedClient, seedUser } from '../support/login.js';
import { ContendedPasswords } from '../support/contended-passwords.js';
import { startTestServer } from '../support/server.js';

forEachEngine((engine) => {
  describe(`password hashing cap (${engine.name})`, () => {
    it('answers a login past the cap with a 503 page and Retry-After, counts nothing, and leaves the form usable', async (t) => {
      const database = await createTestStore(engine);
      const passwords = new ContendedPasswords();
      const env = { GATEHOUSE_LIMITS_CONCURRENT_PASSWORD_HASHES: '1', GATEHOUSE_LIMITS_PASSWORD_HASH_QUEUE_TIMEOUT: '0' };
      const server = await startTestServer(database, env, { passwords });
      t.after(async () => {
        await server.close();
        await database.cleanup();
      });
      const client = await seedClient(server.store);
      const [owner, other] = [await seedUser(server.store), await seedUser(server.store)];
      const [holding, turnedAway] = [await beginInteraction(server, client), await beginInteraction(server, client)];

      const hold = passwords.holdNextVerify();
      const first = postLogin(holding, { username: owner.username, password: PASSWORD });
      await hold.started;
      const busy = await postLogin(turnedAway, { username: other.username, password: 'wrong' });
      const page = await busy.text();
      assert.deepEqual([busy.status, busy.headers.get('retry-after')], [503, '1']);
      assertPageHeaders(busy);
      assert.match(page, /Gatehouse is busy right now\. Go back and sign in again in a few seconds\./);
      hold.release();
      assert.equal((await first).status, 303, 'the login holding the slot finishes normally');

      assert.deepEqual(await database.sql('select throttle_key from login_throttle'), [], 'the turned-away attempt counted as no failure');
      const again = await postLogin(turnedAway, { username: other.username, password: 'wrong' });
      assert.deepEqual([again.status, alertText(await again.text())], [200, INVALID], 'the same form works once a slot is free');
    });
  });

  describe(`credential check at the hashing cap (${engine.name})`, () => {
    const current = useTestStore(engine);
    const NOW = 1_700_000_000;

    function setup(passwords: PasswordHasher) {
      const { store } = current();
      const events: GatehouseEvent[] = [];
      const bus = new EventBus((error) => assert.fail(String(error)));
      bus.subscribe((event) => void events.push(event));
      const signatures = createMessageAuthentication({ current: 'busy-test-secret-0123456789abcdef0123456', previous: [] }, 'device cookie v1');
      const deps: LoginDeps = {
        store,
        events: bus,
        throttle: new LoginThrottle(store.loginThrottle, { loginFailuresPerAccount: 1, loginFailuresPerDevice: 1, loginFailuresPerIp: 1, loginWindow: 900 }),
        deviceCookies: new DeviceCookies(signatures, 86_400),
        passwords,
      };
      const login = (username: string, password = PASSWORD) => attemptLogin(deps, { username, password, ip: '192.0.2.9', clientId: 'client-1' }, {}, NOW);
      return { store, events, login };
    }

    it('answers busy when no slot is free for the verification, without counting or emitting a failure', async () => {
      const { store, events, login } = setup({ ...argon2Passwords, verify: () => Promise.reject(new HashingBusy(2)), verifyDummy: () => Promise.reject(new HashingBusy(2)) });
      const user = await seedUser(store);
      assert.deepEqual(await login(user.username, 'wrong'), { outcome: 'busy', retryAfter: 2 });
      assert.deepEqual(await login('nobody'), { outcome: 'busy', retryAfter: 2 });
      assert.deepEqual(events, []);
      const keys = [throttleKeys(hashUsername(user.username), '192.0.2.9').account, throttleKeys(hashUsername('nobody'), '192.0.2.9').account, 'ip:192.0.2.9'];
      assert.deepEqual(await store.loginThrottle.findLocked(keys, NOW), [], 'at a limit of one, a counted failure would have locked');
    });

    it('lets a login stand when no slot is free to rehash its password, keeping the old hash for next time', async () => {
      const { store, login } = setup({ ...argon2Passwords, needsRehash: () => true, hash: () => Promise.reject(new HashingBusy(2)) });
      const user = await seedUser(store);
      assert.equal((await login(user.username)).outcome, 'succeeded');
      assert.equal((await store.users.findByUsername(user.username))?.passwordHash, user.passwordHash);
    });
  });
});
