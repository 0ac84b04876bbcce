// Tracing end to end: a token exchange's endpoint span with its storage spans nested under it, spans reaching a real
// OTLP/HTTP receiver, and collectors that hang or refuse never slowing or failing a login, nor holding shutdown.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { authorizeUrl } from '../support/authorization.js';
import { createTestStore, forEachEngine, type TestEngine } from '../support/database.js';
import { basicAuthorization, createClient, createUser, issueCode, pkcePair, postToken, REDIRECT_URI, startGrant } from '../support/flow-fixtures.js';
import { beginInteraction, PASSWORD, postLogin, seedClient, seedUser } from '../support/login.js';
import { freePort, startTestServer, useTestServer } from '../support/server.js';

/** What `find` finds, once the server has ended the spans it looks for (they end after the response was sent). */
async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`no ${what}`);
}

/** The finished span matching `predicate`. */
function finishedSpan(exporter: InMemorySpanExporter, predicate: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
  return eventually(() => exporter.getFinishedSpans().find(predicate), 'such span');
}

/** The finished spans named `name`, once `count` of them have ended, in the order they ended. */
function finishedSpans(exporter: InMemorySpanExporter, name: string, count: number): Promise<ReadableSpan[]> {
  return eventually(() => {
    const found = exporter.getFinishedSpans().filter((span) => span.name === name);
    return found.length >= count ? found : undefined;
  }, `${count} spans named ${name}`);
}

/** A node:http stand-in for a collector: `answer` false accepts requests and never responds. */
async function startReceiver(answer: boolean): Promise<{ server: Server; url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      if (answer) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return { server, url: `http://127.0.0.1:${address.port}/v1/traces`, bodies };
}

function stopReceiver(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts a Gatehouse tracing to `endpoint`, logs a person in, and shuts it down; resolves once shutdown has. */
async function logInWhileTracingTo(engine: TestEngine, endpoint: string, serviceName = 'gatehouse'): Promise<void> {
  const database = await createTestStore(engine);
  try {
    const env = { GATEHOUSE_TRACING_OTLP_ENDPOINT: endpoint, GATEHOUSE_TRACING_EXPORT_TIMEOUT: '300', GATEHOUSE_TRACING_SERVICE_NAME: serviceName };
    const server = await startTestServer(database, env);
    try {
      const flow = await beginInteraction(server, await seedClient(server.store, { firstParty: true }));
      const user = await seedUser(server.store);
      const response = await postLogin(flow, { username: user.username, password: PASSWORD });
      assert.equal(response.status, 303, 'logged in');
    } finally {
      await server.close();
    }
  } finally {
    await database.cleanup();
  }
}

forEachEngine((engine) => {
  describe(`tracing (${engine.name})`, () => {
    const exporter = new InMemorySpanExporter();
    const suite = useTestServer(engine, {}, { spanExporter: exporter });

    it('traces a token exchange: the endpoint span with its attributes, and its storage calls nested under it', async () => {
      const { as } = await startGrant(suite.server);
      const endpoint = await finishedSpan(exporter, (span) => span.name === 'POST /token' && span.attributes['oauth.client_id'] === as.client.clientId);
      assert.deepEqual(
        [endpoint.attributes['http.route'], endpoint.attributes['http.request.method'], endpoint.attributes['http.response.status_code'], endpoint.attributes['oauth.grant_type']],
        ['/token', 'POST', 200, 'authorization_code'],
      );
      const children = exporter.getFinishedSpans().filter((span) => span.parentSpanContext?.spanId === endpoint.spanContext().spanId);
      const transaction = children.find((span) => span.name === 'transaction');
      assert.ok(transaction, `a transaction span under the endpoint, got ${children.map((span) => span.name).join(', ')}`);
      const inTransaction = exporter.getFinishedSpans().filter((span) => span.parentSpanContext?.spanId === transaction.spanContext().spanId).map((span) => span.name);
      assert.ok(inTransaction.includes('authorizationCodes.consume') && inTransaction.includes('refreshTokens.createFamily'), inTransaction.join(', '));
    });

    it('keeps storage spans under the endpoint when the body arrives in pieces, after the request began', async () => {
      const as = await createClient(suite.server);
      const pkce = pkcePair();
      const code = await issueCode(suite.server, as.client, await createUser(suite.server), pkce);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }).toString();
      const encoder = new TextEncoder();
      // The second half is sent only once the server has begun the request: it arrives on a later socket event.
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode(body.slice(0, 10)));
          await new Promise((resolve) => setTimeout(resolve, 50));
          controller.enqueue(encoder.encode(body.slice(10)));
          controller.close();
        },
      });
      const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(as.client.clientId, as.secret ?? '') };
      const response = await fetch(`${suite.server.url}/token`, { method: 'POST', headers, body: stream, duplex: 'half' });
      assert.equal(response.status, 200, await response.text());
      const endpoint = await finishedSpan(exporter, (span) => span.name === 'POST /token' && span.attributes['oauth.client_id'] === as.client.clientId);
      const children = exporter.getFinishedSpans().filter((span) => span.parentSpanContext?.spanId === endpoint.spanContext().spanId);
      assert.ok(children.some((span) => span.name === 'transaction'), 'the redemption, after the body came, is a child of the endpoint span');
    });

    it('records a refused request by its error code, with no secret in any span', async () => {
      const { as } = await startGrant(suite.server);
      const secret = 'wrong-secret-never-traced';
      const refused = await postToken(suite.server, { grant_type: 'refresh_token', refresh_token: 'refresh-never-traced' }, { headers: { authorization: basicAuthorization(as.client.clientId, secret) } });
      assert.equal(refused.status, 401);
      const span = await finishedSpan(exporter, (candidate) => candidate.attributes['error.type'] === 'invalid_client');
      assert.deepEqual([span.attributes['http.response.status_code'], span.attributes['oauth.grant_type'], span.attributes['oauth.client_id']], [401, 'refresh_token', undefined]);
      const traced = JSON.stringify(exporter.getFinishedSpans().map(({ name, attributes, events, status }) => ({ name, attributes, events, status })));
      for (const value of [secret, 'refresh-never-traced', as.secret ?? '']) assert.ok(!traced.includes(value), 'a secret reached a span');
    });

    it('records a grant_type Gatehouse does not serve as `other`, never as sent', async () => {
      const as = await createClient(suite.server);
      const hostile = 'password\u0000<script>never-traced';
      const refused = await postToken(suite.server, { grant_type: hostile }, { as });
      assert.equal(refused.status, 400);
      const span = await finishedSpan(exporter, (candidate) => candidate.name === 'POST /token' && candidate.attributes['error.type'] === 'unsupported_grant_type');
      assert.equal(span.attributes['oauth.grant_type'], 'other');
      assert.ok(!JSON.stringify(exporter.getFinishedSpans().map(({ attributes }) => attributes)).includes('never-traced'));
    });

    it('names the registered client of a refused /authorize on its span', async () => {
      const as = await createClient(suite.server);
      await fetch(`${suite.server.url}${authorizeUrl(as.client, { scope: 'openid no-such-scope' })}`, { redirect: 'manual' });
      const span = await finishedSpan(exporter, (candidate) => candidate.name === 'GET /authorize' && candidate.attributes['error.type'] === 'invalid_scope');
      assert.deepEqual([span.attributes['oauth.client_id'], span.attributes['gatehouse.flow_id']], [as.client.clientId, undefined]);
    });

    it('sets ERROR status on a 5xx span only, with its code', async (t) => {
      const database = await createTestStore(engine);
      const own = new InMemorySpanExporter();
      const server = await startTestServer(database, {}, { spanExporter: own });
      t.after(async () => {
        await server.app.close();
        await server.keyRing.stop();
        await database.cleanup();
      });
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      await server.store.close();
      assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
      const spans = await finishedSpans(own, 'GET /readyz', 2);
      const statuses = spans.map((span) => [span.attributes['http.response.status_code'], span.status.code]);
      assert.deepEqual(statuses, [[200, SpanStatusCode.UNSET], [503, SpanStatusCode.ERROR]]);
    });

    it('sends spans to an OTLP/HTTP receiver when tracing.otlpEndpoint points to it', async () => {
      const receiver = await startReceiver(true);
      try {
        await logInWhileTracingTo(engine, receiver.url, 'gatehouse-otlp-test');
        const received = Buffer.concat(receiver.bodies).toString('latin1');
        assert.ok(received.includes('gatehouse-otlp-test'), 'the service name');
        assert.ok(received.includes('POST /login') && received.includes('sessions.create'), 'the endpoint and storage spans');
      } finally {
        await stopReceiver(receiver.server);
      }
    });

    it('logs in and shuts down all the same when the collector accepts and never answers', { timeout: 30_000 }, async () => {
      const receiver = await startReceiver(false);
      try {
        await logInWhileTracingTo(engine, receiver.url);
        assert.ok(receiver.bodies.length > 0, 'an export was attempted');
      } finally {
        await stopReceiver(receiver.server);
      }
    });

    it('logs in and shuts down all the same when the collector refuses connections', { timeout: 30_000 }, async () => {
      await logInWhileTracingTo(engine, `http://127.0.0.1:${await freePort()}/v1/traces`);
    });
  });
});
