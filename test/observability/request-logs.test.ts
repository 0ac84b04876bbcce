// What an operator reads: one line per rejected request with its code, cause, client_id and redirect_uri; security
// events at warn; and, across a whole flow with failures, never a password, code, token, secret, state or nonce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODE_VERIFIER, authorizeUrl, registerClient } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, createClient, postToken, startGrant } from '../support/flow-fixtures.js';
import { beginInteraction, PASSWORD, postLogin, REDIRECT_URI, seedClient, seedUser } from '../support/login.js';
import { useTestServer, type TestServer } from '../support/server.js';

const STATE = 'state-value-never-logged';
const NONCE = 'nonce-value-never-logged';
const WRONG_PASSWORD = 'wrong-password-never-logged';

type LogLine = Record<string, unknown> & { level: number; msg: string };
const WARN = 40;
const INFO = 30;

const logLines = (server: TestServer): LogLine[] =>
  server.logs().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine);

function findLine(server: TestServer, predicate: (line: LogLine) => boolean): LogLine {
  const found = logLines(server).find(predicate);
  assert.ok(found, 'a matching log line');
  return found;
}

forEachEngine((engine) => {
  describe(`logs an operator can use (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '2' });

    it('logs a rejected token request with its code, cause and client_id, never the secret', async () => {
      const as = await createClient(suite.server);
      const wrongSecret = 'wrong-secret-never-logged';
      const response = await postToken(suite.server, { grant_type: 'refresh_token', refresh_token: 'x' }, { headers: { authorization: basicAuthorization(as.client.clientId, wrongSecret) } });
      assert.equal(response.status, 401);
      const line = findLine(suite.server, (entry) => entry.msg === 'request rejected' && entry.client_id === as.client.clientId);
      assert.deepEqual([line.level, line.error, line.cause], [INFO, 'invalid_client', 'wrong client secret (client_secret_basic)']);
      assert.ok(!suite.server.logs().includes(wrongSecret));
    });

    it('logs a rejected authorization request with the client_id and the redirect_uri it named', async () => {
      const client = await registerClient(suite.database.store);
      const redirectUri = 'https://unregistered.example/cb';
      await new BrowserLike(suite.server.url).get(authorizeUrl(client, { redirect_uri: redirectUri, state: STATE, nonce: NONCE }));
      const line = findLine(suite.server, (entry) => entry.msg === 'request rejected' && entry.redirect_uri === redirectUri);
      assert.deepEqual([line.level, line.error, line.client_id], [INFO, 'invalid_request', client.clientId]);
      assert.equal(line.description, 'The redirect_uri does not match one registered for this application.');
    });

    it('logs code replay, refresh reuse and throttling at warn, and keeps every secret out of the log', async () => {
      const client = await seedClient(suite.server.store, { firstParty: true });
      const user = await seedUser(suite.server.store);
      const flow = await beginInteraction(suite.server, client, { state: STATE, nonce: NONCE });
      await postLogin(flow, { username: user.username, password: WRONG_PASSWORD });
      const resumed = await flow.browser.follow(await postLogin(flow, { username: user.username, password: PASSWORD }));
      const code = new URL(resumed.headers.get('location') ?? '').searchParams.get('code') ?? '';
      assert.ok(code.length > 0, 'a code');
      const redeem = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER, client_id: client.clientId };
      const tokens = (await (await postToken(suite.server, redeem)).json()) as { access_token: string; id_token: string };
      assert.equal((await postToken(suite.server, redeem)).status, 400, 'the replay');

      const grant = await startGrant(suite.server);
      const rotate = (userAgent: string) =>
        postToken(suite.server, { grant_type: 'refresh_token', refresh_token: grant.tokens.refresh_token! }, { as: grant.as, headers: { 'user-agent': userAgent } });
      const successor = (await (await rotate('app/1')).json()) as { refresh_token: string; access_token: string };
      assert.equal((await rotate('thief/1')).status, 400, 'the reuse');

      const locked = await seedUser(suite.server.store);
      const throttled = await beginInteraction(suite.server, client);
      for (let attempt = 0; attempt < 3; attempt += 1) await postLogin(throttled, { username: locked.username, password: WRONG_PASSWORD });

      assert.equal(findLine(suite.server, (line) => line.event === 'code.replayed').level, WARN);
      const reused = findLine(suite.server, (line) => line.event === 'refresh_token.reused');
      assert.deepEqual([reused.level, reused.userAgent, (reused.firstUse as { userAgent: string }).userAgent], [WARN, 'thief/1', 'app/1']);
      assert.equal(findLine(suite.server, (line) => line.event === 'login.throttled').level, WARN);
      assert.equal(findLine(suite.server, (line) => line.event === 'login.failed').level, INFO);
      assert.equal(findLine(suite.server, (line) => line.event === 'login.succeeded').userId, user.userId);

      const logged = suite.server.logs();
      const secrets = [PASSWORD, WRONG_PASSWORD, STATE, NONCE, code, CODE_VERIFIER, tokens.access_token, tokens.id_token, flow.csrfToken, flow.interactionId];
      secrets.push(grant.tokens.refresh_token!, grant.tokens.access_token, successor.refresh_token, successor.access_token, grant.as.secret!);
      for (const secret of secrets) assert.ok(!logged.includes(secret), `a secret reached the log: ${secret.slice(0, 12)}…`);
    });
  });
});
