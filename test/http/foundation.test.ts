import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTestStore, forEachEngine } from '../support/database.js';
import { startTestServer, useTestServer } from '../support/server.js';
import { signJwt } from '../../src/tokens/jwt.js';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function assertSecurityHeaders(response: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(response.headers.get(name), value, name);
  assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
}

forEachEngine((engine) => {
  describe(`HTTP foundation (${engine.name})`, () => {
    const suite = useTestServer(engine);
    const get = (path: string, init?: RequestInit) => fetch(`${suite.server.url}${path}`, init);

    it('serves identical discovery documents whose issuer matches the configuration byte for byte', async () => {
      const openid = await get('/.well-known/openid-configuration');
      const oauth = await get('/.well-known/oauth-authorization-server');
      assert.equal(openid.status, 200);
      assert.match(openid.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(openid.headers.get('cache-control') ?? '', /max-age=\d+/);
      const text = await openid.text();
      assert.equal(text, await oauth.text());
      const document = JSON.parse(text) as Record<string, unknown>;
      assert.equal(document.issuer, suite.server.config.issuer);
      assert.equal(document.jwks_uri, `${suite.server.config.issuer}/jwks`);
      // Only what exists: every advertised endpoint is served here.
      for (const [field, value] of Object.entries(document)) {
        if (!field.endsWith('_endpoint') && field !== 'jwks_uri') continue;
        assert.ok(typeof value === 'string' && value.startsWith(`${suite.server.config.issuer}/`), field);
        assert.notEqual((await get(new URL(value).pathname)).status, 404, `${field} is served`);
      }
      assertSecurityHeaders(openid);
    });

    it('publishes the active and next key of each algorithm in the JWKS with a max-age, active RS256 first', async () => {
      const response = await get('/jwks');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), `public, max-age=${suite.server.config.keys.jwksMaxAge}`);
      const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
      assert.deepEqual(jwks.keys.map((key) => key.alg), ['RS256', 'ES256', 'RS256', 'ES256']);
      const etag = response.headers.get('etag') ?? '';
      assert.ok(etag.length > 0);
      const revalidated = await get('/jwks', { headers: { 'if-none-match': etag } });
      assert.equal(revalidated.status, 304);
      assert.equal(await revalidated.text(), '');
      for (const key of jwks.keys) {
        assert.equal(key.use, 'sig');
        assert.equal(typeof key.kid, 'string');
        assert.equal(key.d, undefined, 'no private part is published');
      }
    });

    it('verifies a token signed before a rotation against the JWKS served after it', async () => {
      const claims = { iss: suite.server.config.issuer, sub: 'someone', exp: Math.floor(Date.now() / 1000) + 60 };
      const token = signJwt({ typ: 'JWT' }, claims, suite.server.keyRing.activeKey('ES256')!);
      await suite.server.keyRing.rotate(Math.floor(Date.now() / 1000));
      const jwks = (await (await get('/jwks')).json()) as Parameters<typeof createLocalJWKSet>[0];
      assert.equal(jwks.keys.length, 6, 'retired, active and new next key of each algorithm');
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: suite.server.config.issuer });
      assert.equal(payload.sub, 'someone');
    });

    it('answers liveness and readiness', async () => {
      const health = await get('/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await get('/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
    });

    it('gives unknown routes a JSON 404 with security headers and no-store', async () => {
      const response = await get('/nope?code=abc');
      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { error: 'not_found', error_description: 'No such resource.' });
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assertSecurityHeaders(response);
    });

    it('gives unsupported methods a JSON 405 with Allow', async () => {
      const response = await get('/jwks', { method: 'DELETE' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
      assert.equal(((await response.json()) as { error: string }).error, 'method_not_allowed');
    });

    it('refuses a body over the limit with 413 and an unknown content type with 415', async () => {
      const large = await get('/healthz', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ padding: 'x'.repeat(suite.server.config.limits.bodyBytes) }),
      });
      assert.equal(large.status, 413);
      assert.equal(((await large.json()) as { error: string }).error, 'invalid_request');
      const xml = await get('/healthz', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
      assert.equal(xml.status, 415);
    });

    it('mints its own request id when no proxy is trusted, whatever the caller sends (test/http/proxy-trust.test.ts has the rest)', async () => {
      for (const sent of ['abc-123', '<script>']) {
        const response = await get('/healthz', { headers: { 'x-request-id': sent } });
        assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      }
    });

    it('never logs authorization headers, cookies or query values', async () => {
      await get('/nope?code=query-secret-value&state=s', {
        headers: { authorization: 'Bearer header-secret-value', cookie: 'gatehouse_session=cookie-secret-value' },
      });
      const logs = suite.server.logs();
      assert.match(logs, /\/nope\?code=\[redacted\]&state=\[redacted\]/);
      for (const secret of ['query-secret-value', 'header-secret-value', 'cookie-secret-value']) assert.ok(!logs.includes(secret), secret);
    });
  });
});

describe('readiness without a database', () => {
  it('answers 503 when the database is gone', async (t) => {
    const database = await createTestStore({ name: 'sqlite' });
    const server = await startTestServer(database);
    t.after(async () => {
      await server.app.close();
      await server.keyRing.stop();
      await database.cleanup();
    });
    await server.store.close();
    const response = await fetch(`${server.url}/readyz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: 'unavailable', reason: 'database unavailable' });
  });
});

describe('malformed HTTP', () => {
  it('gets a JSON invalid_request and a closed connection', async (t) => {
    const database = await createTestStore({ name: 'sqlite' });
    const server = await startTestServer(database);
    t.after(async () => {
      await server.close();
      await database.cleanup();
    });
    const { connect } = await import('node:net');
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString('utf8')));
    await new Promise((resolve) => socket.on('close', resolve).write('NOT HTTP AT ALL\r\n\r\n'));
    assert.match(response, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.ok(response.endsWith('{"error":"invalid_request","error_description":"The request could not be parsed as HTTP."}'), response);
  });
});
