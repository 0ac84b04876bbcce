// CORS for browser applications: the token, pushed authorization request, userinfo, discovery and JWKS endpoints answer the origins of public
// clients' redirect URIs and no others; the person-facing endpoints never answer CORS.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, forEachEngine } from '../support/database.js';
import { startTestServer, useTestServer } from '../support/server.js';
import { createClient, createUser, epochNow, issueCode, pkcePair, REDIRECT_URI, type TestClient } from '../support/flow-fixtures.js';

const PUBLIC_ORIGIN = new URL(REDIRECT_URI).origin;
const CONFIDENTIAL_ORIGIN = 'https://confidential.example';
const CORS_PATHS = ['/token', '/par', '/revoke', '/userinfo', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks'];

function preflight(url: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' } });
}

function accessControlHeaders(response: Response): string[] {
  return [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
}

function assertNoCors(response: Response, what: string): void {
  assert.deepEqual(accessControlHeaders(response), [], `${what} carries no CORS headers`);
}

forEachEngine((engine) => {
  describe(`CORS (${engine.name})`, () => {
    // No client cache, so a client change shows in the very next answer.
    const suite = useTestServer(engine, { GATEHOUSE_LIMITS_CLIENT_CACHE_TTL: '0' });
    let publicClient: TestClient;

    before(async () => {
      publicClient = await createClient(suite.server, { tokenEndpointAuthMethod: 'none' });
      await createClient(suite.server, { redirectUris: [`${CONFIDENTIAL_ORIGIN}/callback`] });
    });

    it('answers a preflight from a public client origin on every CORS path', async () => {
      for (const path of CORS_PATHS) {
        const method = ['/token', '/par', '/revoke'].includes(path) ? 'POST' : 'GET';
        const response = await preflight(`${suite.server.url}${path}`, PUBLIC_ORIGIN, method);
        assert.equal(response.status, 204, path);
        assert.equal(response.headers.get('access-control-allow-origin'), PUBLIC_ORIGIN, path);
        assert.match(response.headers.get('access-control-allow-methods') ?? '', new RegExp(`\\b${method}\\b`), path);
        assert.equal(response.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, DPoP', path);
        assert.equal(response.headers.get('access-control-max-age'), '600', path);
        assert.equal(response.headers.get('access-control-allow-credentials'), null, path);
        assert.match(response.headers.get('vary') ?? '', /Origin/, path);
      }
    });

    it('lets the public client redeem a code cross-origin and read the tokens', async () => {
      const pkce = pkcePair();
      const code = await issueCode(suite.server, publicClient.client, await createUser(suite.server), pkce);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier, client_id: publicClient.client.clientId });
      const response = await fetch(`${suite.server.url}/token`, { method: 'POST', headers: { origin: PUBLIC_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), PUBLIC_ORIGIN);
      assert.equal(response.headers.get('vary'), 'Origin');
      const { access_token: accessToken } = (await response.json()) as { access_token: string };
      const userinfo = await fetch(`${suite.server.url}/userinfo`, { headers: { origin: PUBLIC_ORIGIN, authorization: `Bearer ${accessToken}` } });
      assert.equal(userinfo.status, 200);
      assert.equal(userinfo.headers.get('access-control-allow-origin'), PUBLIC_ORIGIN);
    });

    it('puts the CORS headers on error answers, so the application can read the error', async () => {
      const headers = { origin: PUBLIC_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' };
      const token = await fetch(`${suite.server.url}/token`, { method: 'POST', headers, body: 'grant_type=authorization_code&code=nope' });
      assert.equal(token.status, 401);
      assert.equal(token.headers.get('access-control-allow-origin'), PUBLIC_ORIGIN);
      assert.equal(((await token.json()) as { error: string }).error, 'invalid_client');
      const unsupported = await fetch(`${suite.server.url}/token`, { method: 'POST', headers: { origin: PUBLIC_ORIGIN, 'content-type': 'text/plain' }, body: 'x' });
      assert.equal(unsupported.status, 415);
      assert.equal(unsupported.headers.get('access-control-allow-origin'), PUBLIC_ORIGIN);
      const userinfo = await fetch(`${suite.server.url}/userinfo`, { headers: { origin: PUBLIC_ORIGIN, authorization: 'Bearer not-a-token' } });
      assert.equal(userinfo.status, 401);
      assert.equal(userinfo.headers.get('access-control-allow-origin'), PUBLIC_ORIGIN);
      assert.equal(userinfo.headers.get('access-control-expose-headers'), 'WWW-Authenticate, DPoP-Nonce');
    });

    it('refuses every other origin: a confidential client, unknown, null, another port, scheme or case', async () => {
      const refused = [CONFIDENTIAL_ORIGIN, 'https://evil.example', 'null', `${PUBLIC_ORIGIN}:8443`, PUBLIC_ORIGIN.replace('https:', 'http:'), PUBLIC_ORIGIN.toUpperCase()];
      for (const origin of refused) {
        for (const path of CORS_PATHS) {
          const answer = await preflight(`${suite.server.url}${path}`, origin);
          assert.equal(answer.status, 204, `${origin} ${path}`);
          assertNoCors(answer, `preflight from ${origin} to ${path}`);
          const actual = await fetch(`${suite.server.url}${path}`, { headers: { origin } });
          assertNoCors(actual, `GET from ${origin} to ${path}`);
          assert.equal(actual.headers.get('vary'), 'Origin');
        }
      }
    });

    it('serves discovery and the JWKS to same-origin and server callers without CORS headers', async () => {
      for (const path of CORS_PATHS.filter((path) => path.startsWith('/.well-known/') || path === '/jwks')) {
        const response = await fetch(`${suite.server.url}${path}`);
        assert.equal(response.status, 200, path);
        assertNoCors(response, path);
      }
    });

    it('never answers CORS on the authorization, login, consent, logout and introspection endpoints', async () => {
      for (const path of ['/authorize', '/login', '/consent', '/logout', '/introspect']) {
        const answer = await preflight(`${suite.server.url}${path}`, PUBLIC_ORIGIN);
        assert.notEqual(answer.status, 204, path);
        assertNoCors(answer, `preflight to ${path}`);
        assertNoCors(await fetch(`${suite.server.url}${path}`, { headers: { origin: PUBLIC_ORIGIN }, redirect: 'manual' }), `GET ${path}`);
      }
    });

    it('follows client changes: a new redirect origin, a client made confidential, a deleted client', async () => {
      const origin = 'https://moving.example';
      const { client } = await createClient(suite.server, { tokenEndpointAuthMethod: 'none', redirectUris: ['https://first.example/cb'] });
      const allowed = async (candidate: string) => (await preflight(`${suite.server.url}/token`, candidate)).headers.get('access-control-allow-origin') === candidate;
      assert.equal(await allowed('https://first.example'), true);
      await suite.server.store.clients.update(client.clientId, { redirectUris: [`${origin}/cb`] }, epochNow());
      assert.equal(await allowed('https://first.example'), false);
      assert.equal(await allowed(origin), true);
      await suite.server.store.clients.update(client.clientId, { tokenEndpointAuthMethod: 'client_secret_basic' }, epochNow());
      assert.equal(await allowed(origin), false);
      await suite.server.store.clients.update(client.clientId, { tokenEndpointAuthMethod: 'none' }, epochNow());
      assert.equal(await allowed(origin), true);
      assert.equal(await suite.server.store.clients.delete(client.clientId), true);
      assert.equal(await allowed(origin), false);
    });
  });
});

describe('CORS without a database', () => {
  it('serves the JWKS and discovery without CORS headers instead of failing', async (t) => {
    const database = await createTestStore({ name: 'sqlite' });
    const server = await startTestServer(database, { GATEHOUSE_LIMITS_CLIENT_CACHE_TTL: '0' });
    t.after(async () => {
      await server.app.close();
      await server.keyRing.stop();
      await database.cleanup();
    });
    await server.store.close();
    for (const path of ['/jwks', '/.well-known/openid-configuration']) {
      const response = await fetch(`${server.url}${path}`, { headers: { origin: PUBLIC_ORIGIN } });
      assert.equal(response.status, 200, path);
      assertNoCors(response, path);
    }
  });
});
