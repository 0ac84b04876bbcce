// Two stateless Gatehouse processes on one PostgreSQL database, as behind a load balancer: any instance serves any step
// of a flow, a revocation or a client change on one holds on the other, single-use values stay single-use across
// both, signing keys rotate once for the deployment, and failed logins count towards one throttle.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClientRecord } from '../../src/store/records.js';
import { openStore } from '../../src/store/open.js';
import type { SealedStore } from '../../src/store/store.js';
import { TEST_AUDIT_SEALER } from '../support/secrets.js';
import { cliEnvironment, jsonOf, runCli } from '../cli/run-cli.js';
import { authorizeUrl } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { createTestDatabase, engines, type TestDatabase } from '../support/database.js';
import { basicAuthorization, createClient, createUser, issueCode, pkcePair, postToken, REDIRECT_URI, startGrant, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { assertOneWinner, claimsOf, race, startInstance, stopInstance, type Instance } from '../support/instances.js';
import { alertText, beginInteraction, INVALID, PASSWORD, postForm, seedClient, seedUser } from '../support/login.js';
import { TEST_ENCRYPTION_SECRET } from '../support/server.js';

const ATTEMPTS = 50;
const postgres = engines.find((engine) => engine.name === 'postgres')!;

/** A shared database, a store on it for seeding and inspecting, and instances A and B started with `env`. */
function useTwoInstances(env: NodeJS.ProcessEnv) {
  const state: { database?: TestDatabase; store?: SealedStore; a?: Instance; b?: Instance } = {};
  before(async () => {
    state.database = await createTestDatabase(postgres);
    state.store = await openStore({ databaseUrl: state.database.databaseUrl, dataDir: state.database.dataDir }, TEST_AUDIT_SEALER);
    state.a = await startInstance(state.database, { env });
    // One public issuer for both, as behind a load balancer.
    state.b = await startInstance(state.database, { env, issuer: state.a.url });
  });
  after(async () => {
    await Promise.all([stopInstance(state.a), stopInstance(state.b)]);
    await state.store?.close();
    await state.database?.cleanup();
  });
  return state as Required<typeof state>;
}

function form(instance: Instance, path: string, fields: Record<string, string>, as: TestClient): Promise<Response> {
  return fetch(`${instance.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(as.client.clientId, as.secret ?? '') },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The same path and query on `instance`: a redirect from one instance followed through another. */
const on = (instance: Instance, location: string | null) => {
  const url = new URL(location ?? '', instance.url);
  return `${instance.url}${url.pathname}${url.search}`;
};

const introspect = async (on: Instance, as: TestClient, token: string) => ((await (await form(on, '/introspect', { token }, as)).json()) as { active: boolean }).active;
const userinfo = (on: Instance, accessToken: string) => fetch(`${on.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
const refresh = (on: Instance, as: TestClient, refreshToken: string, headers: Record<string, string> = {}) =>
  postToken(on, { grant_type: 'refresh_token', refresh_token: refreshToken }, { as, headers });

describe('two instances on one PostgreSQL', { skip: postgres.skipReason }, () => {
  const pair = useTwoInstances({ GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '3' });

  it('lets a person start on A, log in on B, and the client redeem the code on B', async () => {
    const as = await createClient({ store: pair.store }, { firstParty: true, scope: 'openid profile offline_access' });
    const user = await seedUser(pair.store);
    const pkce = pkcePair();
    const browser = new BrowserLike(pair.a.url);
    const flow = await beginInteraction(pair.a, as.client, { code_challenge: pkce.challenge, scope: 'openid offline_access' }, browser);
    // The login form came from A; B takes the answer, with A's interaction and CSRF token.
    const login = { interaction: flow.interactionId, csrf_token: flow.csrfToken, username: user.username, password: PASSWORD };
    const loggedIn = await postForm(browser, `${pair.b.url}/login`, login);
    assert.equal(loggedIn.status, 303, await loggedIn.clone().text());
    const redirect = await browser.fetch(on(pair.a, loggedIn.headers.get('location')));
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
    assert.ok(code, `a code, got ${redirect.status} ${redirect.headers.get('location')}`);
    const exchanged = await postToken(pair.b, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }, { as });
    assert.equal(exchanged.status, 200, await exchanged.clone().text());
    const tokens = (await exchanged.json()) as TokenResponseBody;
    assert.equal(claimsOf(tokens.id_token ?? '').iss, pair.a.url, 'one issuer, whichever instance signed');
    assert.equal((await userinfo(pair.a, tokens.access_token)).status, 200, 'A accepts what B signed');
  });

  it('refuses on B at once an access token and a refresh token revoked on A', async () => {
    const { as, tokens } = await startGrant({ store: pair.store, url: pair.a.url });
    assert.equal(await introspect(pair.b, as, tokens.access_token), true);
    assert.equal((await form(pair.a, '/revoke', { token: tokens.access_token, token_type_hint: 'access_token' }, as)).status, 200);
    assert.equal(await introspect(pair.b, as, tokens.access_token), false);
    assert.equal((await userinfo(pair.b, tokens.access_token)).status, 401);

    const second = await startGrant({ store: pair.store, url: pair.a.url });
    assert.equal((await form(pair.a, '/revoke', { token: second.tokens.refresh_token ?? '', token_type_hint: 'refresh_token' }, second.as)).status, 200);
    const refused = await refresh(pair.b, second.as, second.tokens.refresh_token ?? '');
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_grant');
  });

  it('serves on B a client the CLI created, at once, and a change the CLI made once the client cache has expired', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'gatehouse-scale-cli-'));
    try {
      const env = { ...cliEnvironment(pair.database), GATEHOUSE_KEYS_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET };
      const created = await runCli(['clients', 'create', '--name', 'Made by the CLI', '--redirect-uri', 'https://cli.example/cb', '--json'], { env, cwd });
      const { client_id: clientId } = jsonOf<{ client_id: string }>(created);
      const client = (await pair.store.clients.findById(clientId)) as ClientRecord;
      const asks = (url: string) => fetch(`${pair.b.url}${url}`, { redirect: 'manual' });
      assert.equal((await asks(authorizeUrl(client))).status, 303, 'B knows the new client');

      // B now holds the client in its cache; the CLI replaces its redirect URI.
      const updated = await runCli(['clients', 'update', clientId, '--redirect-uri', 'https://cli.example/moved', '--json'], { env, cwd });
      assert.equal(updated.code, 0, updated.stderr);
      // limits.clientCacheTtl (500 ms by default) bounds how long B may serve the old record.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal((await asks(authorizeUrl(client, { redirect_uri: 'https://cli.example/moved' }))).status, 303, 'B takes the new URI');
      assert.equal((await asks(authorizeUrl(client))).status, 400, 'and refuses the old one');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it(`redeems a code once among ${ATTEMPTS} concurrent attempts split across A and B; the replays revoke what it issued`, async () => {
    const as = await createClient({ store: pair.store });
    const pkce = pkcePair();
    const code = await issueCode({ store: pair.store }, as.client, await createUser({ store: pair.store }), pkce);
    const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
    const winner = assertOneWinner(await race(ATTEMPTS, (index) => postToken(index % 2 === 0 ? pair.a : pair.b, parameters, { as })));
    const family = await pair.store.refreshTokens.findFamily(String(claimsOf(winner.body.access_token ?? '').gid));
    assert.equal(family?.revokedReason, 'code_replayed');
  });

  it(`rotates a refresh token once among ${ATTEMPTS} concurrent uses across A and B: retries get the one successor, a reuse from elsewhere revokes the family`, async () => {
    const { as, tokens } = await startGrant({ store: pair.store, url: pair.a.url });
    const outcomes = await race(ATTEMPTS, (index) => refresh(index % 2 === 0 ? pair.a : pair.b, as, tokens.refresh_token ?? ''));
    // SECURITY.md (refresh tokens) and tokens.refreshRetryWindow: the same client from the same IP and User-Agent within the window is a retry.
    assert.ok(outcomes.every((outcome) => outcome.status === 200), JSON.stringify(outcomes.find((outcome) => outcome.status !== 200)));
    const successors = new Set(outcomes.map((outcome) => outcome.body.refresh_token));
    assert.equal(successors.size, 1, 'one rotation: no second branch of the family');
    const familyId = String(claimsOf(tokens.access_token).gid);
    assert.equal((await pair.store.refreshTokens.findFamily(familyId))?.revokedAt, null);

    const reuse = await refresh(pair.b, as, tokens.refresh_token ?? '', { 'user-agent': 'somebody else' });
    assert.equal(((await reuse.json()) as { error: string }).error, 'invalid_grant');
    assert.equal((await pair.store.refreshTokens.findFamily(familyId))?.revokedReason, 'refresh_token_reused');
    const [successor] = successors;
    assert.equal((await refresh(pair.a, as, successor ?? '')).status, 400, 'the successor dies with its family');
  });

  it('counts failed logins alternating between A and B towards one throttle', async () => {
    const client = await seedClient(pair.store);
    const user = await seedUser(pair.store);
    const attempt = async (instance: Instance, password: string) => {
      const flow = await beginInteraction(instance, client);
      const response = await postForm(flow.browser, '/login', { interaction: flow.interactionId, csrf_token: flow.csrfToken, username: user.username, password });
      return { status: response.status, message: alertText(await response.text()) };
    };
    assert.equal((await attempt(pair.a, 'wrong')).message, INVALID);
    assert.equal((await attempt(pair.b, 'wrong')).message, INVALID);
    // rateLimits.loginFailuresPerAccount is 3: the third failure locks the account, whichever instance saw the others.
    assert.equal((await attempt(pair.a, 'wrong')).status, 429);
    assert.equal((await attempt(pair.b, PASSWORD)).status, 429, 'B refuses even the right password');
  });
});

describe('two instances rotating signing keys on one PostgreSQL', { skip: postgres.skipReason }, () => {
  const ROTATION_INTERVAL = 2;
  const pair = useTwoInstances({
    GATEHOUSE_KEYS_ROTATION_INTERVAL: String(ROTATION_INTERVAL),
    GATEHOUSE_KEYS_JWKS_MAX_AGE: '0',
    GATEHOUSE_KEYS_REFRESH_INTERVAL: '1',
    GATEHOUSE_TOKENS_REFRESH_RETRY_WINDOW: '0',
  });

  it('rotates each algorithm once per interval for the deployment, not once per instance', { timeout: 60_000 }, async () => {
    const activations = async () => pair.database.sql('select alg, status, activated_at from signing_keys where activated_at is not null order by alg, activated_at');
    // Both instances check every second whether rotation is due; wait for a few rotations of each algorithm.
    while ((await activations()).filter((row) => row.alg === 'ES256').length < 4) await new Promise((resolve) => setTimeout(resolve, 250));
    const rows = await activations();
    for (const alg of ['RS256', 'ES256']) {
      const times = rows.filter((row) => row.alg === alg).map((row) => Number(row.activated_at));
      const gaps = times.slice(1).map((time, index) => time - times[index]!);
      assert.ok(gaps.every((gap) => gap >= ROTATION_INTERVAL), `${alg} activated at ${times.join(', ')}`);
    }
    const states = await pair.database.sql("select alg, status, count(*) as keys from signing_keys where status != 'retired' group by alg, status order by alg, status");
    assert.deepEqual(states.map((row) => `${String(row.alg)} ${String(row.status)} ${Number(row.keys)}`), ['ES256 active 1', 'ES256 next 1', 'RS256 active 1', 'RS256 next 1']);
  });

  it(`with the retry window off, one of ${ATTEMPTS} concurrent refreshes across A and B wins and the reuse revokes the family`, async () => {
    const { as, tokens } = await startGrant({ store: pair.store, url: pair.a.url });
    assertOneWinner(await race(ATTEMPTS, (index) => refresh(index % 2 === 0 ? pair.a : pair.b, as, tokens.refresh_token ?? '')));
    const family = await pair.store.refreshTokens.findFamily(String(claimsOf(tokens.access_token).gid));
    assert.equal(family?.revokedReason, 'refresh_token_reused');
  });
});
