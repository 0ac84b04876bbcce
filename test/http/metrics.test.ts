// /metrics after scripted flows: each catalogue metric counts what happened, and nothing personal or secret shows.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { rankClientLabels } from '../../src/observability/client-label-ranking.js';
import { sweepExpiredState, sweepPolicy } from '../../src/maintenance/sweeper.js';
import type { UserRecord } from '../../src/store/records.js';
import { authorizeUrl, CODE_VERIFIER, hiddenFields, plantSession } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { fromClientIp, TRUSTING_LOOPBACK_PROXY } from '../support/client-ip.js';
import { forEachEngine } from '../support/database.js';
import { createClient, createUser, epochNow, postToken, REDIRECT_URI, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { beginInteraction, PASSWORD, postForm, postLogin } from '../support/login.js';
import { checkWithPromtool, parseExposition, scrape, valueOf, type Sample } from '../support/prometheus.js';
import { postPushedRequest, pushedAuthorizeUrl, pushRequest } from '../support/pushed-requests.js';
import { useTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789abcdef';
const CLIENT_IP = '203.0.113.77';
const SCOPE = 'openid profile offline_access';

/** What the script leaves behind for the checks: every value that must never reach a metric. */
interface Script {
  readonly as: TestClient;
  readonly denied: TestClient;
  readonly throttled: TestClient;
  readonly pushing: TestClient;
  readonly user: UserRecord;
  readonly secrets: readonly string[];
}

/** Follows a browser from a 303 after login or at /authorize to the redirect carrying the code, allowing consent. */
async function codeFrom(browser: BrowserLike, response: Response): Promise<string> {
  let current = await browser.follow(response);
  if (current.status === 200) current = await browser.postForm('/consent', { ...hiddenFields(await current.text()), decision: 'allow' });
  const code = new URL(current.headers.get('location') ?? '').searchParams.get('code');
  assert.ok(code, 'the flow ends with a code');
  return code;
}

const redeem = (server: TestServer, as: TestClient, code: string, verifier = CODE_VERIFIER) =>
  postToken(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, { as });
const refresh = (server: TestServer, as: TestClient, token: string) => postToken(server, { grant_type: 'refresh_token', refresh_token: token }, { as });

async function runScript(server: TestServer): Promise<Script> {
  const grants = { grantTypes: ['authorization_code', 'refresh_token'] as const, scope: SCOPE };
  const [as, denied, throttled, pushing] = [await createClient(server, grants), await createClient(server, grants), await createClient(server, grants), await createClient(server, grants)];
  const user = await createUser(server);
  // Registered after the start's ranking: rank again, as the next ranking tick would.
  await rankClientLabels(server.metrics!.clients, server.store, epochNow());
  // A bad password, then the right one, then consent: a code, redeemed, refreshed; the old refresh token and the code again.
  const flow = await beginInteraction(server, as.client, { scope: SCOPE });
  assert.equal((await postLogin(flow, { username: user.username, password: 'wrong' }, fromClientIp(CLIENT_IP))).status, 200);
  const code = await codeFrom(flow.browser, await postLogin(flow, { username: user.username, password: PASSWORD }, fromClientIp(CLIENT_IP)));
  const tokens = (await (await redeem(server, as, code)).json()) as TokenResponseBody;
  const rotated = (await (await refresh(server, as, tokens.refresh_token!)).json()) as TokenResponseBody;
  assert.equal((await refresh(server, as, tokens.refresh_token!)).status, 400, 'reuse');
  assert.equal((await redeem(server, as, code)).status, 400, 'replay');
  // A second code (consent remembered) redeemed with the wrong verifier; a plain PKCE challenge; a foreign redirect URI.
  const second = await codeFrom(flow.browser, await flow.browser.get(authorizeUrl(as.client, { scope: SCOPE })));
  assert.equal((await redeem(server, as, second, 'x'.repeat(43))).status, 400, 'PKCE mismatch');
  assert.equal((await flow.browser.get(authorizeUrl(as.client, { code_challenge_method: 'plain' }))).status, 303);
  assert.equal((await flow.browser.get(authorizeUrl(as.client, { redirect_uri: 'https://evil.example/cb' }))).status, 400);
  // A push with a foreign redirect URI (refused at /par), then a pushed request used at /authorize.
  assert.equal((await postPushedRequest(server, pushing, { redirect_uri: 'https://evil.example/cb' })).status, 400);
  assert.equal((await flow.browser.get(pushedAuthorizeUrl(pushing.client.clientId, await pushRequest(server, pushing)))).status, 303);
  // Another client, denied; an unknown client at /token; a route that does not exist.
  const deny = await flow.browser.follow(await flow.browser.get(authorizeUrl(denied.client, { scope: SCOPE })));
  assert.equal((await flow.browser.postForm('/consent', { ...hiddenFields(await deny.text()), decision: 'deny' })).status, 303);
  assert.equal((await postToken(server, { grant_type: 'authorization_code', code: 'x', client_id: 'no-such-client', client_secret: 's' })).status, 401);
  assert.equal((await fetch(`${server.url}/no/such/${user.userId}`)).status, 404);
  // Throttled: the account's limit is two failures.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    await postLogin(await beginInteraction(server, throttled.client), { username: user.username, password: 'wrong' }, fromClientIp(CLIENT_IP));
  }
  // Logout, and a session the sweeper finds expired.
  const logout = await flow.browser.fetch(`${server.url}/logout`);
  assert.equal((await postForm(flow.browser, '/logout', hiddenFields(await logout.text()))).status, 200);
  const now = epochNow();
  await plantSession(server.store, server.config, new BrowserLike(server.url), user, { createdAt: now - 4000, idleExpiresAt: now - 400, absoluteExpiresAt: now - 100 });
  await sweepExpiredState(server.store, now, sweepPolicy(server.config), { onSessionsExpired: server.metrics!.observeExpiredSessions });
  const secrets = [code, second, tokens.access_token, tokens.refresh_token!, tokens.id_token!, rotated.access_token, rotated.refresh_token!, as.secret!, CODE_VERIFIER];
  return { as, denied, throttled, pushing, user, secrets };
}

forEachEngine((engine) => {
  describe(`metrics after scripted flows (${engine.name})`, () => {
    const suite = useTestServer(engine, {
      ...TRUSTING_LOOPBACK_PROXY,
      GATEHOUSE_METRICS_BEARER_TOKEN: METRICS_TOKEN,
      GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '2',
      GATEHOUSE_TOKENS_REFRESH_RETRY_WINDOW: '0',
    });
    let script: Script;
    let text: string;
    let samples: Sample[];
    const count = (name: string, labels: Record<string, string> = {}) => valueOf(samples, name, labels);

    before(async () => {
      script = await runScript(suite.server);
      // Events are counted synchronously as they are emitted, so everything is counted once the responses are in.
      const response = await scrape(`${suite.server.url}/metrics`, `Bearer ${METRICS_TOKEN}`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      text = await response.text();
      samples = parseExposition(text);
    });

    it('counts authorization requests, codes, and refusals by client, error and reason', () => {
      const { as, denied } = script;
      const client = as.client.clientId;
      assert.equal(count('gatehouse_authorization_requests_total', { client_id: client }), 4);
      assert.equal(count('gatehouse_authorization_requests_total', { client_id: denied.client.clientId }), 1);
      assert.equal(count('gatehouse_authorization_codes_issued_total', { client_id: client }), 2);
      assert.equal(count('gatehouse_authorization_errors_total', { client_id: client, error: 'invalid_request', reason: 'pkce' }), 1);
      assert.equal(count('gatehouse_authorization_errors_total', { client_id: client, error: 'invalid_request', reason: 'redirect_uri' }), 1);
      assert.equal(count('gatehouse_authorization_errors_total', { client_id: client }), 2);
      assert.equal(count('gatehouse_redirect_uri_rejections_total', { client_id: client }), 1);
      assert.equal(count('gatehouse_pkce_failures_total', { stage: 'authorize' }), 1);
      // A pushed request starts an authorization when used at /authorize; its refusal at /par is a redirect URI rejection only.
      const pushed = script.pushing.client.clientId;
      assert.equal(count('gatehouse_authorization_requests_total', { client_id: pushed }), 1);
      assert.equal(count('gatehouse_redirect_uri_rejections_total', { client_id: pushed }), 1);
      assert.equal(count('gatehouse_authorization_errors_total', { client_id: pushed }), 0);
      assert.equal(count('gatehouse_pkce_failures_total', { stage: 'token' }), 1);
    });

    it('counts every token answer by grant type, client and error, with its latency', () => {
      const client = script.as.client.clientId;
      assert.equal(count('gatehouse_token_requests_total', { grant_type: 'authorization_code', client_id: client, error: 'none' }), 1);
      assert.equal(count('gatehouse_token_requests_total', { grant_type: 'authorization_code', client_id: client, error: 'invalid_grant' }), 2);
      assert.equal(count('gatehouse_token_requests_total', { grant_type: 'refresh_token', client_id: client, error: 'none' }), 1);
      assert.equal(count('gatehouse_token_requests_total', { grant_type: 'refresh_token', client_id: client, error: 'invalid_grant' }), 1);
      assert.equal(count('gatehouse_token_requests_total', { grant_type: 'authorization_code', client_id: 'unknown', error: 'invalid_client' }), 1);
      assert.equal(count('gatehouse_token_request_duration_seconds_count', { grant_type: 'authorization_code' }), 4);
      assert.equal(count('gatehouse_token_request_duration_seconds_count', { grant_type: 'refresh_token' }), 2);
      assert.equal(count('gatehouse_refresh_failures_total', { client_id: client, reason: 'reused' }), 1);
      assert.equal(count('gatehouse_token_reuse_detections_total', { kind: 'authorization_code' }), 1);
      assert.equal(count('gatehouse_token_reuse_detections_total', { kind: 'refresh_token' }), 1);
      assert.equal(count('gatehouse_security_events_total', { type: 'code.replayed' }), 1);
      assert.equal(count('gatehouse_security_events_total', { type: 'refresh_token.reused' }), 1);
    });

    it('counts logins, consent decisions and session lengths', () => {
      const { as, denied, throttled } = script;
      assert.equal(count('gatehouse_login_attempts_total', { client_id: as.client.clientId, outcome: 'success' }), 1);
      assert.equal(count('gatehouse_login_attempts_total', { client_id: as.client.clientId, outcome: 'bad_credentials' }), 1);
      assert.equal(count('gatehouse_login_attempts_total', { client_id: throttled.client.clientId, outcome: 'bad_credentials' }), 2);
      assert.equal(count('gatehouse_login_attempts_total', { client_id: throttled.client.clientId, outcome: 'throttled' }), 1);
      assert.equal(count('gatehouse_security_events_total', { type: 'login.throttled' }), 2, 'the attempt that brought the lock, and the one refused');
      assert.equal(count('gatehouse_consent_decisions_total', { client_id: as.client.clientId, decision: 'allow' }), 1);
      assert.equal(count('gatehouse_consent_decisions_total', { client_id: denied.client.clientId, decision: 'deny' }), 1);
      assert.equal(count('gatehouse_session_duration_seconds_count', { ended_by: 'logout' }), 1);
      assert.equal(count('gatehouse_session_duration_seconds_count', { ended_by: 'expiry' }), 1);
      // The expired session lasted from its start to its idle expiry: 3600 s, in the bucket up to an hour and not below.
      assert.equal(count('gatehouse_session_duration_seconds_bucket', { ended_by: 'expiry', le: '3600' }), 1);
      assert.equal(count('gatehouse_session_duration_seconds_bucket', { ended_by: 'expiry', le: '900' }), 0);
    });

    it('times password hashing, JWT signing and requests by route template, and keeps process metrics', () => {
      assert.ok(count('gatehouse_password_hash_duration_seconds_count') >= 2);
      assert.ok(count('gatehouse_token_signing_duration_seconds_count', { alg: 'ES256' }) >= 2, 'access tokens');
      assert.ok(count('gatehouse_token_signing_duration_seconds_count', { alg: 'RS256' }) >= 2, 'ID tokens');
      assert.equal(count('gatehouse_http_requests_total', { route: '/token', method: 'POST', status_class: '2xx' }), 2);
      assert.equal(count('gatehouse_http_requests_total', { route: '/token', method: 'POST', status_class: '4xx' }), 4);
      assert.equal(count('gatehouse_http_requests_total', { route: 'unmatched', method: 'GET', status_class: '4xx' }), 1);
      assert.equal(count('gatehouse_http_request_duration_seconds_count', { route: '/token' }), 6);
      assert.match(text, /^# TYPE gatehouse_db_query_duration_seconds histogram$/m);
      assert.match(text, /^process_cpu_seconds_total /m);
      assert.match(text, /^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
    });

    it('carries no user id, username, IP, code, token or secret, and parses as Prometheus text', () => {
      const { user, secrets } = script;
      for (const value of [user.userId, user.username, CLIENT_IP, ...secrets]) assert.ok(!text.includes(value), 'a personal or secret value in the metrics');
      checkWithPromtool(text);
    });

    it('counts its own scrapes under one route label, whatever the query string', async () => {
      for (const query of ['?a=1', `?${script.user.userId}`]) await scrape(`${suite.server.url}/metrics${query}`, `Bearer ${METRICS_TOKEN}`);
      const after = parseExposition(await (await scrape(`${suite.server.url}/metrics`, `Bearer ${METRICS_TOKEN}`)).text());
      const routes = new Set(after.filter((sample) => sample.name === 'gatehouse_http_requests_total').map((sample) => sample.labels.route));
      assert.ok(routes.has('/metrics'));
      assert.ok([...routes].every((route) => route === 'unmatched' || route?.startsWith('/')));
      assert.ok(![...routes].some((route) => route?.includes('?') || route?.includes(script.user.userId)));
    });
  });
});
