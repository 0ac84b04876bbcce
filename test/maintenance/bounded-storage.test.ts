// SECURITY.md (storage and limits): a simulated week of traffic, swept as the minute timer would, keeps every table bounded.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sweepExpiredState, sweepPolicy } from '../../src/maintenance/sweeper.js';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { CODE_VERIFIER, authorizeUrl, hiddenFields } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { postToken, type TokenResponseBody } from '../support/flow-fixtures.js';
import { beginInteraction, PASSWORD, postForm, postLogin, seedClient, seedUser } from '../support/login.js';
import { useTestServer, type TestServerSuite } from '../support/server.js';
import { fromClientIp, TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';

const DAY = 86_400;
/** Simulated time between rounds of traffic; the sweep runs after each, as the minute timer would have by then. */
const STEP = 4 * 3600;
const TABLES = ['interactions', 'sessions', 'authorization_codes', 'token_families', 'refresh_tokens', 'login_throttle', 'audit_events'] as const;
type Counts = Record<(typeof TABLES)[number], number>;
/** Audit writes trail the responses: up to one round's events may still be in flight when rows are counted. */
const AUDIT_EVENTS_IN_FLIGHT = 10;

/** Accelerated time: the server reads this clock for every flow and record. */
let now = Math.floor(Date.now() / 1000);
const clock = () => now;

const ENV = {
  ...TRUSTING_LOOPBACK_PROXY,
  GATEHOUSE_TOKENS_REFRESH_TOKEN_IDLE_TTL: String(DAY),
  GATEHOUSE_TOKENS_REFRESH_TOKEN_ABSOLUTE_TTL: String(2 * DAY),
  GATEHOUSE_AUDIT_RETENTION: String(DAY),
};

forEachEngine((engine) => {
  describe('storage under a simulated week of traffic', () => {
    const suite = useTestServer(engine, ENV, { clock });

    it('keeps the row count of every table at the end of day 7 where it was at the end of day 3', async () => {
      const client = await seedClient(suite.database.store, {
        grantTypes: ['authorization_code', 'refresh_token'],
        scope: 'openid profile offline_access',
        firstParty: true,
      });
      const user = await seedUser(suite.database.store);
      const endOfDay = new Map<number, Counts>();
      for (let round = 1; round * STEP <= 7 * DAY; round += 1) {
        await driveTraffic(suite, client, user, round);
        now += STEP;
        // Counted before the sweep: the most each table holds.
        if ((round * STEP) % DAY === 0) endOfDay.set(round * STEP / DAY, await countRows(suite));
        await sweepExpiredState(suite.server.store, now, sweepPolicy(suite.server.config));
      }
      const [day3, day7] = [endOfDay.get(3), endOfDay.get(7)];
      assert.ok(day3 !== undefined && day7 !== undefined);
      for (const table of TABLES) {
        const slack = table === 'audit_events' ? AUDIT_EVENTS_IN_FLIGHT : 0;
        assert.ok(day7[table] <= day3[table] + slack, `${table}: ${day7[table]} rows at day 7, ${day3[table]} at day 3`);
      }
      // audit.retention is a day: about one day's events are kept of the seven days' appended.
      assert.ok(day7.audit_events > 0 && day7.audit_events < (await auditAppended(suite)) / 3);
      assert.equal((await suite.server.store.audit.verifyChain()).intact, true);
    });
  });
});

/** One round: requests abandoned at login, a failed login from a new address, and a full flow with a refresh and a logout. */
async function driveTraffic(suite: TestServerSuite, client: ClientRecord, user: UserRecord, round: number): Promise<void> {
  const { server } = suite;
  const abandoned = new BrowserLike(server.url);
  await abandoned.get(authorizeUrl(client, { state: 's'.repeat(4096) }));
  await abandoned.get(authorizeUrl(client));
  const failed = await beginInteraction(server, client);
  const forwarded = { ...fromClientIp(`198.51.100.${round % 250}`), 'user-agent': `Bot/${'x'.repeat(10 * 1024)}` };
  assert.equal((await postLogin(failed, { username: `guess-${randomBytes(4).toString('hex')}`, password: 'wrong' }, forwarded)).status, 200);

  const flow = await beginInteraction(server, client, { scope: 'openid profile offline_access', prompt: 'login' });
  const callback = await flow.browser.follow(await postLogin(flow, { username: user.username, password: PASSWORD }));
  const code = new URL(callback.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const as = { client, secret: null };
  const redirectUri = client.redirectUris[0]!;
  const tokens = (await (await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: CODE_VERIFIER }, { as })).json()) as TokenResponseBody;
  const refreshed = await postToken(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }, { as });
  assert.equal(refreshed.status, 200);
  const { csrf_token: csrfToken = '' } = hiddenFields(await (await flow.browser.get('/logout')).text());
  assert.equal((await postForm(flow.browser, '/logout', { csrf_token: csrfToken })).status, 200);
}

async function countRows(suite: TestServerSuite): Promise<Counts> {
  const counts = {} as Counts;
  for (const table of TABLES) counts[table] = Number((await suite.database.sql(`select count(*) as n from ${table}`))[0]?.n);
  return counts;
}

/** How many audit events were ever appended: the chain head's sequence. */
async function auditAppended(suite: TestServerSuite): Promise<number> {
  return Number((await suite.database.sql('select sequence from audit_chain_head'))[0]?.sequence);
}
