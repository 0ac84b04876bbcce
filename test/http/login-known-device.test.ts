// Known devices (OWASP device cookies): an attacker elsewhere cannot lock the owner out of a browser that signed in
// before, and still cannot brute-force the password.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientRecord } from '../../src/store/records.js';
import { BrowserLike } from '../support/browser-like.js';
import { fromClientIp, TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { createTestStore, forEachEngine } from '../support/database.js';
import { alertText, beginInteraction, INVALID, PASSWORD, postLogin, seedClient, seedUser } from '../support/login.js';
import { startTestServer, TEST_ENCRYPTION_SECRET, useTestServer, type TestServer } from '../support/server.js';

const DEVICE_COOKIE = 'gatehouse_device';


let lastHost = 0;
/** A client IP no other test has used, so per-network counts never cross between tests. */
const freshIp = (): string => `203.0.113.${(lastHost += 1)}`;

const LIMITS = {
  GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '3',
  GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_DEVICE: '2',
  GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_IP: '6',
};

interface Outcome {
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly message: string | undefined;
}

/** One login through the form, from `browser` (a new, unknown one unless given) at client IP `ip`. */
async function signIn(server: TestServer, client: ClientRecord, credentials: { username: string; password: string }, ip: string, browser = new BrowserLike(server.url)): Promise<Outcome> {
  const flow = await beginInteraction(server, client, { prompt: 'login' }, browser);
  const response = await postLogin(flow, credentials, fromClientIp(ip));
  const retryAfter = response.headers.get('retry-after');
  return { status: response.status, retryAfter: retryAfter === null ? undefined : Number(retryAfter), message: alertText(await response.text()) };
}

/** Fails as `username` from new browsers at `ip` until the account is locked for unknown devices. */
async function lockAccount(server: TestServer, client: ClientRecord, username: string, ip: string): Promise<void> {
  for (let failure = 1; failure < 3; failure += 1) assert.equal((await signIn(server, client, { username, password: 'wrong' }, ip)).status, 200);
  assert.equal((await signIn(server, client, { username, password: 'wrong' }, ip)).status, 429, 'the third failure locks the account');
}

/** A browser that signed in as the user once, so it holds a device cookie for the account. */
async function knownBrowser(server: TestServer, client: ClientRecord, username: string, ip: string): Promise<BrowserLike> {
  const browser = new BrowserLike(server.url);
  assert.equal((await signIn(server, client, { username, password: PASSWORD }, ip, browser)).status, 303);
  assert.ok(browser.cookie(DEVICE_COOKIE), 'a successful login gives the browser a device cookie');
  return browser;
}

forEachEngine((engine) => {
  describe(`known devices (${engine.name})`, () => {
    const suite = useTestServer(engine, { ...TRUSTING_LOOPBACK_PROXY, ...LIMITS });
    let client: ClientRecord;
    const server = () => suite.server;
    const setup = async () => {
      client ??= await seedClient(server().store);
      return { client, owner: await seedUser(server().store) };
    };

    it('lets the owner sign in from a known browser while an attacker elsewhere keeps the account locked', async () => {
      const { client, owner } = await setup();
      const ownerIp = freshIp();
      const attackerIp = freshIp();
      const ownerBrowser = await knownBrowser(server(), client, owner.username, ownerIp);
      await lockAccount(server(), client, owner.username, attackerIp);
      const right = { username: owner.username, password: PASSWORD };
      assert.equal((await signIn(server(), client, right, attackerIp)).status, 429, 'the right password is refused from an unknown device');
      assert.equal((await signIn(server(), client, right, ownerIp)).status, 429, 'from the owner\'s network too, in a browser that never signed in');
      const owners = await signIn(server(), client, right, ownerIp, ownerBrowser);
      assert.equal(owners.status, 303, 'the known browser is exempt from the account lock');
      assert.equal(ownerBrowser.cookie('gatehouse_session') !== undefined, true);
      assert.equal((await signIn(server(), client, right, attackerIp)).status, 429, 'the owner signing in does not lift the lock for others');
    });

    it('gives no exemption for a device cookie of another account, a tampered, spliced, forged or malformed one', async () => {
      const { client, owner } = await setup();
      const other = await seedUser(server().store);
      const ip = freshIp();
      const ownerBrowser = await knownBrowser(server(), client, owner.username, ip);
      const otherBrowser = await knownBrowser(server(), client, other.username, ip);
      await lockAccount(server(), client, owner.username, freshIp());
      const genuine = ownerBrowser.cookie(DEVICE_COOKIE)!;
      const [, ...otherRest] = otherBrowser.cookie(DEVICE_COOKIE)!.split('.');
      const [ownerAccount, ...ownerRest] = genuine.split('.');
      const mac = ownerRest.at(-1)!;
      const candidates = {
        'another account\'s cookie': otherBrowser.cookie(DEVICE_COOKIE)!,
        'a tampered signature': `${genuine.slice(0, -mac.length)}${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`,
        'a later expiry': [ownerAccount, ownerRest[0], String(Number(ownerRest[1]) + 1), mac].join('.'),
        'the owner\'s account spliced onto another cookie': [ownerAccount, ...otherRest].join('.'),
        'a forged signature': [ownerAccount, ownerRest[0], ownerRest[1], 'A'.repeat(43)].join('.'),
        'no signature': [ownerAccount, ownerRest[0], ownerRest[1]].join('.'),
        'garbage': '..%00..',
        'an oversized value': `${genuine}${'a'.repeat(3000)}`,
      };
      for (const [name, value] of Object.entries(candidates)) {
        const browser = new BrowserLike(server().url);
        browser.setCookie(DEVICE_COOKIE, value);
        const outcome = await signIn(server(), client, { username: owner.username, password: PASSWORD }, ip, browser);
        assert.equal(outcome.status, 429, `${name}: held to the account lock`);
      }
      const control = new BrowserLike(server().url);
      control.setCookie(DEVICE_COOKIE, genuine);
      assert.equal((await signIn(server(), client, { username: owner.username, password: PASSWORD }, ip, control)).status, 303, 'the genuine cookie, copied as is, is exempt');
    });

    it('locks a known device after its own limit, counting its failures against the device, not the account', async () => {
      const { client, owner } = await setup();
      const ip = freshIp();
      const ownerBrowser = await knownBrowser(server(), client, owner.username, ip);
      await lockAccount(server(), client, owner.username, freshIp());
      const wrong = { username: owner.username, password: 'wrong' };
      const first = await signIn(server(), client, wrong, ip, ownerBrowser);
      assert.deepEqual([first.status, first.message], [200, INVALID], 'a known device is told the password was wrong, not to wait');
      const second = await signIn(server(), client, wrong, ip, ownerBrowser);
      assert.equal(second.status, 429, 'at its own limit the device is unknown again, and the account lock applies');
      // Had the device's failures counted against the account, its lock would have doubled to 120 s or more.
      assert.ok(second.retryAfter !== undefined && second.retryAfter <= 60, `the account's lock is unchanged (${second.retryAfter} s)`);
      assert.equal((await signIn(server(), client, { username: owner.username, password: PASSWORD }, ip, ownerBrowser)).status, 429, 'even the right password');
    });

    it('still holds a known device to the per-network lock', async () => {
      const { client, owner } = await setup();
      const ip = freshIp();
      const ownerBrowser = await knownBrowser(server(), client, owner.username, ip);
      for (let failure = 1; failure <= 6; failure += 1) await signIn(server(), client, { username: `guess-${failure}-${owner.username}`, password: 'wrong' }, ip);
      assert.equal((await signIn(server(), client, { username: owner.username, password: PASSWORD }, ip, ownerBrowser)).status, 429);
      assert.equal((await signIn(server(), client, { username: owner.username, password: PASSWORD }, freshIp(), ownerBrowser)).status, 303, 'from another network it signs in');
    });
  });

  describe(`device cookie behind TLS (${engine.name})`, () => {
    it('is __Host- prefixed, Secure, HttpOnly, SameSite=Lax, lives rateLimits.deviceCookieTtl, and is read back', async (t) => {
      const database = await createTestStore(engine);
      const server = await startTestServer(database, { ...LIMITS, GATEHOUSE_ISSUER: 'https://login.example', GATEHOUSE_RATE_LIMITS_DEVICE_COOKIE_TTL: '86400' });
      t.after(async () => {
        await server.close();
        await database.cleanup();
      });
      const client = await seedClient(server.store);
      const owner = await seedUser(server.store);
      const flow = await beginInteraction(server, client);
      const response = await postLogin(flow, { username: owner.username, password: PASSWORD });
      const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`__Host-${DEVICE_COOKIE}=`));
      assert.ok(header, response.headers.getSetCookie().join('\n'));
      assert.deepEqual(header.split('; ').slice(1).sort(), ['HttpOnly', 'Max-Age=86400', 'Path=/', 'SameSite=Lax', 'Secure']);
      assert.ok(!header.includes(owner.username), 'the cookie names the account only by hash');
      await lockAccount(server, client, owner.username, freshIp());
      assert.equal((await signIn(server, client, { username: owner.username, password: PASSWORD }, freshIp(), flow.browser)).status, 303);
    });
  });

  describe(`known devices across restarts (${engine.name})`, () => {
    it('honours a device cookie after a restart and after the key-encryption secret is rotated', async (t) => {
      const database = await createTestStore(engine);
      const env = { ...TRUSTING_LOOPBACK_PROXY, ...LIMITS };
      let server = await startTestServer(database, env);
      t.after(async () => {
        await server.close();
        await database.cleanup();
      });
      const client = await seedClient(server.store);
      const owner = await seedUser(server.store);
      const ip = freshIp();
      const deviceCookie = (await knownBrowser(server, client, owner.username, ip)).cookie(DEVICE_COOKIE)!;
      const restarts = [env, { ...env, GATEHOUSE_KEYS_ENCRYPTION_SECRET: `rotated-${TEST_ENCRYPTION_SECRET}`, GATEHOUSE_KEYS_PREVIOUS_ENCRYPTION_SECRETS: JSON.stringify([TEST_ENCRYPTION_SECRET]) }];
      await lockAccount(server, client, owner.username, freshIp());
      for (const restartEnv of restarts) {
        await server.close();
        server = await startTestServer(database, restartEnv);
        assert.equal((await signIn(server, client, { username: owner.username, password: PASSWORD }, ip)).status, 429, 'the account is still locked');
        const browser = new BrowserLike(server.url);
        browser.setCookie(DEVICE_COOKIE, deviceCookie);
        assert.equal((await signIn(server, client, { username: owner.username, password: PASSWORD }, ip, browser)).status, 303);
      }
    });
  });
});
