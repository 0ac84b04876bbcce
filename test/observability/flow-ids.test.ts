// One flow id follows a person's whole login: every request line and every audit row of one flow carries it, another
// flow has its own; and no secret of the flow reaches the log at any level, debug included.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AuditEventRecord } from '../../src/store/records.js';
import { authorizeUrl } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { BOGUS_REFRESH, createKeyClient, generateClientKey, postWithAssertion, signAssertion } from '../support/client-assertions.js';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, createClient, createUser, issueCode, pkcePair, postToken, REDIRECT_URI, startGrant } from '../support/flow-fixtures.js';
import { decideOnDevice, createDeviceClient, pollDeviceToken, startDeviceAuthorization } from '../support/device.js';
import { runScriptedFlow } from '../support/scripted-flow.js';
import { useTestServer, type TestServer } from '../support/server.js';

type LogLine = Record<string, unknown> & { msg: string; level: number };

const logLines = (server: TestServer): LogLine[] =>
  server.logs().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine);

const requestLines = (server: TestServer, requestId: string): LogLine[] =>
  logLines(server).filter((line) => line.msg === 'request completed' && line.reqId === requestId);

/** The flow id every request line of `requestIds` carries, after checking each request has exactly one line. */
function flowIdOf(server: TestServer, requestIds: readonly string[]): string {
  const flowIds = new Set(requestIds.map((requestId) => {
    const lines = requestLines(server, requestId);
    assert.equal(lines.length, 1, `one line for request ${requestId}`);
    return lines[0]!.flowId;
  }));
  assert.equal(flowIds.size, 1, `one flow id over the whole flow, got ${[...flowIds].join(', ')}`);
  const [flowId] = flowIds;
  assert.ok(typeof flowId === 'string' && flowId.length > 0, 'a flow id');
  return flowId;
}

/** The audit rows filed under `flowId`, once `count` of them are written (audit writes trail the response). */
async function auditRowsOf(server: TestServer, flowId: string, count: number): Promise<AuditEventRecord[]> {
  for (let attempt = 0; ; attempt += 1) {
    const rows = (await server.store.audit.list({ limit: 500 })).filter((row) => row.details.flowId === flowId);
    if (rows.length >= count || attempt >= 100) return rows;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Token requests refused for a wrong secret, an unknown code and a wrong verifier; returns the values they sent. */
async function refusedTokenRequests(server: TestServer): Promise<string[]> {
  const as = await createClient(server);
  const pkce = pkcePair();
  const code = await issueCode(server, as.client, await createUser(server), pkce);
  const [wrongSecret, unknownCode, wrongVerifier] = ['wrong-secret-never-logged', 'unknown-code-never-logged', pkcePair().verifier];
  const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
  const badSecret = await postToken(server, exchange, { headers: { authorization: basicAuthorization(as.client.clientId, wrongSecret) } });
  assert.equal(badSecret.status, 401);
  assert.equal((await postToken(server, { ...exchange, code: unknownCode }, { as })).status, 400);
  assert.equal((await postToken(server, { ...exchange, code_verifier: wrongVerifier }, { as })).status, 400);
  return [wrongSecret, unknownCode, code, pkce.verifier, wrongVerifier, as.secret ?? ''];
}

/** A device flow whose user code is also opened by link (/device?user_code=); returns its codes and tokens. */
async function deviceFlow(server: TestServer): Promise<string[]> {
  const as = await createDeviceClient(server);
  const authorization = await startDeviceAuthorization(server, as);
  const linked = await new BrowserLike(server.url).get(`/device?user_code=${encodeURIComponent(authorization.user_code)}`);
  assert.equal(linked.status, 200);
  assert.equal((await decideOnDevice(server, await createUser(server), authorization.user_code, 'allow')).status, 200);
  const redeemed = await pollDeviceToken(server, as, authorization.device_code);
  assert.equal(redeemed.status, 200);
  const tokens = (await redeemed.json()) as { access_token: string };
  return [authorization.device_code, authorization.user_code, authorization.user_code.replace(/-/g, ''), tokens.access_token, as.secret ?? ''];
}

/** A grant revoked at /revoke and its session ended at /logout?id_token_hint=; returns the tokens they carried. */
async function endOfGrant(server: TestServer): Promise<string[]> {
  const { as, tokens } = await startGrant(server);
  const revoked = await postToken(server, { token: tokens.refresh_token ?? '' }, { as, path: '/revoke' });
  assert.equal(revoked.status, 200);
  const logout = await fetch(`${server.url}/logout?id_token_hint=${tokens.id_token ?? ''}`, { redirect: 'manual' });
  assert.ok(logout.status < 500, `logout answered ${logout.status}`);
  return [tokens.refresh_token ?? '', tokens.id_token ?? '', tokens.access_token];
}

/** A private_key_jwt client authenticating by assertion; returns the assertion. */
async function clientAssertion(server: TestServer): Promise<string[]> {
  const key = await generateClientKey();
  const as = await createKeyClient(server, { jwks: [key] });
  const assertion = await signAssertion(server, as.client.clientId, key);
  assert.equal((await postWithAssertion(server, BOGUS_REFRESH, assertion)).status, 400, 'authenticated, then refused');
  return [assertion];
}

const CODE_FLOW_EVENTS = ['login.succeeded', 'consent.granted', 'code.issued', 'code.redeemed', 'token.issued'];

forEachEngine((engine) => {
  describe(`flow ids and redaction (${engine.name})`, () => {
    // Debug: the routine events of every flow are logged too, so redaction is proven at the most talkative level.
    const suite = useTestServer(engine, { GATEHOUSE_LOG_LEVEL: 'debug' });

    it('files every request and audit row of one login under one flow id, and a second login under another', async () => {
      const { server } = suite;
      const user = await createUser(server);
      const first = await runScriptedFlow(server, await createClient(server), user);
      const second = await runScriptedFlow(server, await createClient(server, { tokenEndpointAuthMethod: 'client_secret_post' }), user);
      const flowId = flowIdOf(server, first.requestIds);
      assert.notEqual(flowIdOf(server, second.requestIds), flowId, 'each authorization is a flow of its own');
      assert.deepEqual(logLines(server).filter((line) => line.msg === 'incoming request'), [], "Fastify's own lines are off");

      const rows = await auditRowsOf(server, flowId, CODE_FLOW_EVENTS.length);
      assert.deepEqual(rows.map((row) => row.type).sort(), [...CODE_FLOW_EVENTS].sort());
      assert.ok(rows.every((row) => first.requestIds.includes(row.requestId ?? '')), 'each row from a request of the flow');
      const events = logLines(server).filter((line) => line.flowId === flowId && typeof line.event === 'string');
      // The log also has the unaudited start of the authorization (metrics count it).
      const logged = [...CODE_FLOW_EVENTS, 'authorization.requested'].sort();
      assert.deepEqual(events.map((line) => line.event).sort(), logged, 'the event lines carry it too');
      for (const requestId of first.laterRequestIds) assert.equal(requestLines(server, requestId)[0]?.flowId, undefined, 'a refresh is no part of the login');
    });

    it('logs each request once with its route template, redacted URL, status and client', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const flow = await runScriptedFlow(server, as, await createUser(server));
      const [authorize] = requestLines(server, flow.requestIds[0]!);
      assert.deepEqual([authorize?.method, authorize?.route, authorize?.status, authorize?.clientId], ['GET', '/authorize', 303, as.client.clientId]);
      assert.match(String(authorize?.url), /^\/authorize\?response_type=\[redacted\]&client_id=\[redacted\]/);
      const exchange = requestLines(server, flow.requestIds.at(-1)!)[0];
      assert.deepEqual([exchange?.route, exchange?.status, exchange?.clientId], ['/token', 200, as.client.clientId]);
      assert.equal(typeof exchange?.responseTime, 'number');
      const missing = await fetch(`${server.url}/no-such-page?secret=1`);
      const [unmatched] = requestLines(server, missing.headers.get('x-request-id') ?? '');
      assert.deepEqual([unmatched?.route, unmatched?.status, unmatched?.url, unmatched?.error], ['unmatched', 404, '/no-such-page?secret=[redacted]', 'not_found']);
    });

    it('carries the device flow from the device request through the person to the redemption', async () => {
      const { server } = suite;
      const as = await createDeviceClient(server);
      const authorization = await startDeviceAuthorization(server, as);
      const started = logLines(server).filter((line) => line.event === 'device_authorization.requested' && line.clientId === as.client.clientId);
      const flowId = started[0]?.flowId;
      assert.ok(typeof flowId === 'string', 'the device request starts a flow');
      const pending = await pollDeviceToken(server, as, authorization.device_code);
      assert.equal(requestLines(server, pending.headers.get('x-request-id') ?? '')[0]?.flowId, flowId, 'a poll is part of it');
      assert.equal((await decideOnDevice(server, await createUser(server), authorization.user_code, 'allow')).status, 200);
      const redeemed = await pollDeviceToken(server, as, authorization.device_code);
      assert.equal(redeemed.status, 200);
      assert.equal(requestLines(server, redeemed.headers.get('x-request-id') ?? '')[0]?.flowId, flowId);
      const expected = ['device_authorization.requested', 'login.succeeded', 'consent.granted', 'device_authorization.approved', 'device_authorization.redeemed', 'token.issued'];
      const rows = await auditRowsOf(server, flowId, expected.length);
      assert.deepEqual(rows.map((row) => row.type).sort(), expected.sort());
    });

    it('starts a flow at an /authorize backed by a pushed request, not at the push', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const request = { response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
      const pushed = await postToken(server, request, { as, path: '/par' });
      assert.equal(pushed.status, 201);
      const { request_uri: requestUri } = (await pushed.json()) as { request_uri: string };
      const query = new URLSearchParams({ client_id: as.client.clientId, request_uri: requestUri });
      const authorize = await fetch(`${server.url}/authorize?${query.toString()}`, { redirect: 'manual' });
      assert.equal(authorize.status, 303);
      assert.equal(requestLines(server, pushed.headers.get('x-request-id') ?? '')[0]?.flowId, undefined);
      assert.match(String(requestLines(server, authorize.headers.get('x-request-id') ?? '')[0]?.flowId), /^[0-9a-f-]{36}$/);
    });

    it('names the client of a refused /authorize on its line, without starting a flow', async () => {
      const { server } = suite;
      const as = await createClient(server);
      const refused = await fetch(`${server.url}${authorizeUrl(as.client, { scope: 'openid no-such-scope' })}`, { redirect: 'manual' });
      const [line] = requestLines(server, refused.headers.get('x-request-id') ?? '');
      assert.deepEqual([line?.error, line?.clientId, line?.flowId], ['invalid_scope', as.client.clientId, undefined]);
    });

    it('files a code replay, by its own client or by another, under the flow it replays', async () => {
      const { server } = suite;
      const [as, other] = [await createClient(server), await createClient(server)];
      const pkce = pkcePair();
      const flowId = randomUUID();
      const code = await issueCode(server, as.client, await createUser(server), pkce, { flowId });
      const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
      assert.equal((await postToken(server, exchange, { as })).status, 200);
      for (const replayer of [as, other]) {
        const replayed = await postToken(server, exchange, { as: replayer });
        assert.equal(replayed.status, 400);
        const [line] = requestLines(server, replayed.headers.get('x-request-id') ?? '');
        assert.deepEqual([line?.error, line?.clientId, line?.flowId], ['invalid_grant', replayer.client.clientId, flowId]);
      }
      const types = (await auditRowsOf(server, flowId, 4)).map((row) => row.type);
      assert.ok(types.includes('code.replayed') && types.includes('code.replayed_by_other_client'), `both replays audited under the flow: ${types.join(', ')}`);
    });

    it('never logs a secret of the flow, at any level', async () => {
      const { server } = suite;
      const user = await createUser(server);
      const basic = await runScriptedFlow(server, await createClient(server), user);
      const post = await runScriptedFlow(server, await createClient(server, { tokenEndpointAuthMethod: 'client_secret_post' }), user);
      const secrets = [...basic.secrets, ...post.secrets, ...(await refusedTokenRequests(server)), ...(await deviceFlow(server)), ...(await endOfGrant(server))];
      secrets.push(...(await clientAssertion(server)));
      const logged = server.logs();
      assert.ok(logLines(server).some((line) => line.level === 20), 'debug lines were written');
      for (const secret of secrets.filter((value) => value !== '')) assert.ok(!logged.includes(secret), `a secret reached the log: ${secret.slice(0, 8)}…`);
    });
  });
});
