// The ops dashboard over real HTTP: 401 without a session and 403 without the admin role (never a figure), the views
// for an admin, the role read at every request, and hostile parameters refused with a page.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { UserRecord } from '../../src/store/records.js';
import { signInToAccount } from '../support/account.js';
import { BrowserLike } from '../support/browser-like.js';
import { createTestStore, forEachEngine } from '../support/database.js';
import { epochNow } from '../support/flow-fixtures.js';
import { seedUser } from '../support/login.js';
import { startTestServer, useTestServer } from '../support/server.js';

const VIEWS = ['/admin', '/admin/on-call', '/admin/debug', '/admin/flows/some-flow'];

/** What only a dashboard page has: figures, charts, tables, the views' navigation. */
function assertNothingOfTheDashboard(page: string): void {
  assert.doesNotMatch(page, /data-figure|<svg|<table|Token exchange|Authorization success|Dashboard views/);
}

forEachEngine((engine) => {
  describe(`ops dashboard access (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let admin: UserRecord;
    let person: UserRecord;

    before(async () => {
      admin = await seedUser(suite.server.store, { admin: true });
      person = await seedUser(suite.server.store);
    });

    it('answers a browser without a session with 401 and the way to sign in, on every view', async () => {
      const browser = new BrowserLike(suite.server.url);
      browser.setCookie(suite.server.config.sessions.cookieName, 'not-a-session');
      for (const path of VIEWS) {
        const response = await browser.get(`${path}?range=day`);
        const page = await response.text();
        assert.equal(response.status, 401, path);
        assert.equal(response.headers.get('www-authenticate'), 'Session realm="Gatehouse ops dashboard", sign-in="/account"', 'RFC 9110 §15.5.2');
        assert.match(page, /<a class="return" href="\/account">Sign in<\/a>/);
        assertNothingOfTheDashboard(page);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.doesNotMatch(response.headers.get('content-security-policy') ?? '', /unsafe-inline/);
      }
      const hostile = await browser.get('/admin?range=<script>&range=x');
      assert.equal(hostile.status, 401, 'the parameters are not even read before the session is');
    });

    it('answers a signed-in person without the admin role with 403 and nothing of the dashboard', async () => {
      const browser = await signInToAccount(suite.server, person);
      for (const path of VIEWS) {
        const response = await browser.get(path);
        const page = await response.text();
        assert.equal(response.status, 403, path);
        assert.match(page, /cannot open the ops dashboard/);
        assertNothingOfTheDashboard(page);
      }
      assert.doesNotMatch(await (await browser.get('/account')).text(), /ops dashboard/);
    });

    it('shows an admin each view, linked from the account page, with charts and the per-instance caveat', async () => {
      const browser = await signInToAccount(suite.server, admin);
      assert.match(await (await browser.get('/account')).text(), /<a class="return" href="\/admin">Open the ops dashboard<\/a>/);
      const expectations: [string, RegExp][] = [
        ['/admin', /Authorization success[\s\S]*Consent declined[\s\S]*Security events/],
        ['/admin?range=day', /<a href="\/admin\?range=day" aria-current="page">Last day<\/a>/],
        ['/admin/on-call', /Token exchange success[\s\S]*Token latency p95[\s\S]*Token latency p99[\s\S]*Server errors[\s\S]*PKCE failures[\s\S]*Redirect URI errors/],
        ['/admin/debug', /Refused token requests[\s\S]*Recent flows/],
      ];
      for (const [path, expected] of expectations) {
        const response = await browser.get(path);
        const page = await response.text();
        assert.equal(response.status, 200, path);
        assert.match(page, expected, path);
        assert.match(page, /Per instance: /);
        assert.match(page, /<meta http-equiv="refresh" content="30">/);
        assert.doesNotMatch(response.headers.get('content-security-policy') ?? '', /script-src|unsafe-inline/);
      }
      const debug = await (await browser.get('/admin/debug')).text();
      assert.match(debug, /keeps the latest 100 naming a registered client and the latest\s+100 others, at most 20 from any one client or IP/, 'the limits in use');
      assert.match(debug, /keeps\s+the latest 200, at most 20 started from any one IP, and 50 events of each/);
      const executive = await (await browser.get('/admin')).text();
      assert.equal((executive.match(/<svg class="chart"/g) ?? []).length, 3);
      assert.match(executive, /<text class="axis"[^>]*>−60 min<\/text>/);
    });

    it('reads the role at every request: revoked, the next page is 403; a disabled admin has no session left', async () => {
      const other = await seedUser(suite.server.store, { admin: true });
      const browser = await signInToAccount(suite.server, other);
      assert.equal((await browser.get('/admin')).status, 200);
      await suite.server.store.users.setAdmin(other.userId, false, Math.floor(Date.now() / 1000));
      assert.equal((await browser.get('/admin')).status, 403);
      await suite.server.store.users.setAdmin(other.userId, true, Math.floor(Date.now() / 1000));
      await suite.server.store.users.disable(other.userId, Math.floor(Date.now() / 1000));
      assert.equal((await browser.get('/admin/on-call')).status, 401);
    });

    it('refuses an unknown range, a repeated parameter, an unknown or malformed flow and other methods, with a page', async () => {
      const browser = await signInToAccount(suite.server, admin);
      const cases: [string, number, RegExp][] = [
        ['/admin?range=week', 400, /The range must be &quot;hour&quot; or &quot;day&quot;\./],
        ['/admin/on-call?range=hour&range=day', 400, /sent more than once/],
        ['/admin/flows/never-seen', 404, /no record of that flow/],
        [`/admin/flows/${encodeURIComponent('<b>x</b>')}`, 404, /no record of that flow/],
        ['/admin/flows/flow.with.dots', 404, /no record of that flow/],
      ];
      for (const [path, status, message] of cases) {
        const response = await browser.get(path);
        const page = await response.text();
        assert.equal(response.status, status, path);
        assert.match(page, message, path);
        assert.doesNotMatch(page, /<b>x<\/b>/);
      }
      assert.equal((await browser.get(`/admin/flows/${'a'.repeat(300)}`)).status, 414, "Fastify's limit on a path parameter");
      const posted = await browser.fetch('/admin', { method: 'POST' });
      assert.equal(posted.status, 405);
      assert.equal(posted.headers.get('allow'), 'GET, HEAD');
    });
  });

  describe(`ops dashboard under a configuration and an accelerated clock (${engine.name})`, () => {
    let offset = 0;
    const suite = useTestServer(engine, { GATEHOUSE_DASHBOARD_PER_SOURCE: '3', GATEHOUSE_DASHBOARD_FLOWS: '40' }, { clock: () => epochNow() + offset });

    it('shows the debug memory limits the configuration sets', async () => {
      const browser = await signInToAccount(suite.server, await seedUser(suite.server.store, { admin: true }));
      const debug = await (await browser.get('/admin/debug')).text();
      assert.match(debug, /at most 3 from any one client or IP/);
      assert.match(debug, /the latest 40, at most 3 started from any one IP/);
    });

    it('ends an admin session at its idle expiry however often the dashboard reloads itself', async () => {
      const admin = await seedUser(suite.server.store, { admin: true });
      const browser = await signInToAccount(suite.server, admin);
      const { idleTtl } = suite.server.config.sessions;
      // The page reloads itself every 30 s; five minutes between reloads still touches the session many times over.
      for (let elapsed = 300; elapsed < idleTtl; elapsed += 300) {
        offset = elapsed;
        assert.equal((await browser.get('/admin/on-call')).status, 200, `${elapsed} s after the sign-in`);
      }
      offset = idleTtl + 1;
      assert.equal((await browser.get('/admin')).status, 401, 'the reloads did not extend the session');
      assert.equal((await browser.get('/account')).status, 303, 'the session is gone for every page');
    });
  });

  describe(`ops dashboard sampler (${engine.name})`, () => {
    it('starts sampling with the server and stops before anything else when it closes', async () => {
      const database = await createTestStore(engine);
      const runs: string[] = [];
      const server = await startTestServer(database, {}, {
        sampleSchedule: (_tick, intervalMs) => {
          runs.push(`every ${intervalMs} ms`);
          return () => runs.push('stopped');
        },
      });
      try {
        assert.deepEqual(runs, ['every 10000 ms']);
      } finally {
        await server.close();
        await database.cleanup();
      }
      assert.deepEqual(runs, ['every 10000 ms', 'stopped']);
    });
  });
});
