// gatehouse/resource-server against a running Gatehouse: a Fastify API guarded by the plugin, and the plain function.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAccessTokenVerifier, resourceServerPlugin, ResourceServerError, type AccessTokenVerifierOptions } from '../../src/resource-server/index.js';
import { forEachEngine } from '../support/database.js';
import { epochNow, startGrant, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { signJwt } from '../../src/tokens/jwt.js';

/** An API with one route needing `profile` and one needing `admin`, guarded by the plugin with `verifier`. */
async function startApi(verifierOptions: AccessTokenVerifierOptions): Promise<FastifyInstance> {
  const api = Fastify();
  await api.register(async (guarded) => {
    await guarded.register(resourceServerPlugin, { verifier: createAccessTokenVerifier(verifierOptions) });
    guarded.get('/profile', { config: { requiredScopes: ['profile'] } }, (request) => request.principal);
    guarded.get('/admin', { config: { requiredScopes: ['admin', 'profile'] } }, (request) => request.principal);
  });
  api.get('/public', () => ({ open: true }));
  await api.listen({ host: '127.0.0.1', port: 0 });
  return api;
}

function call(api: FastifyInstance, path: string, authorization?: string): Promise<Response> {
  const address = api.server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return fetch(`http://127.0.0.1:${address.port}${path}`, { headers: authorization === undefined ? {} : { authorization } });
}

async function assertChallenge(response: Response, status: number, challenge: string, error?: string): Promise<void> {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('www-authenticate'), challenge);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = await response.text();
  if (error === undefined) assert.equal(body, '');
  else assert.equal((JSON.parse(body) as { error: string }).error, error);
}

/** The claims of `accessToken` with `changes`, signed again with the server's access token key and header `typ`. */
function reissue(server: TestServer, accessToken: string, typ: string, changes: Record<string, unknown> = {}): string {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const key = server.keyRing.activeKey(server.config.keys.accessTokenAlgorithm);
  assert.ok(key);
  return signJwt({ typ }, { ...claims, ...changes }, key);
}

const INVALID_TOKEN = 'Bearer realm="orders", error="invalid_token", error_description="The access token is invalid or has expired."';

forEachEngine((engine) => {
  describe(`resource server, JWT access tokens (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let tokens: TokenResponseBody;
    let userId: string;
    let clientId: string;
    let api: FastifyInstance;
    const options = () => ({ issuer: suite.server.config.issuer, audience: suite.server.config.issuer, realm: 'orders' });

    before(async () => {
      const grant = await startGrant(suite.server, 'openid profile');
      tokens = grant.tokens;
      userId = grant.user.userId;
      clientId = grant.as.client.clientId;
      api = await startApi(options());
    });
    after(() => api?.close());

    it('accepts a token Gatehouse issued and tells the route whose it is', async () => {
      const response = await call(api, '/profile', `Bearer ${tokens.access_token}`);
      assert.equal(response.status, 200);
      const principal = (await response.json()) as { subject: string; clientId: string; scopes: string[]; audience: string[] };
      assert.equal(principal.subject, userId);
      assert.equal(principal.clientId, clientId);
      assert.deepEqual(principal.scopes, ['openid', 'profile']);
      assert.deepEqual(principal.audience, [suite.server.config.issuer]);
      assert.equal((await call(api, '/public')).status, 200);
    });

    it('answers 403 insufficient_scope naming the scope the route needs', async () => {
      const response = await call(api, '/admin', `Bearer ${tokens.access_token}`);
      await assertChallenge(response, 403, 'Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a scope this request needs.", scope="admin profile"', 'insufficient_scope');
    });

    it('answers 401 with a bare challenge when no bearer token is presented', async () => {
      await assertChallenge(await call(api, '/profile'), 401, 'Bearer realm="orders"');
      await assertChallenge(await call(api, '/profile', 'Basic YTpi'), 401, 'Bearer realm="orders"');
    });

    it('answers 400 invalid_request for a malformed header or a token in the query', async () => {
      await assertChallenge(await call(api, '/profile', 'Bearer two tokens'), 400, 'Bearer realm="orders", error="invalid_request", error_description="The Authorization header is not a well-formed bearer credential."', 'invalid_request');
      await assertChallenge(await call(api, '/profile', 'Bearer'), 400, 'Bearer realm="orders", error="invalid_request", error_description="The Authorization header is not a well-formed bearer credential."', 'invalid_request');
      await assertChallenge(await call(api, `/profile?access_token=${tokens.access_token}`), 400, 'Bearer realm="orders", error="invalid_request", error_description="Access tokens are not accepted in the query string."', 'invalid_request');
    });

    it('refuses an ID token, a tampered token and garbage with invalid_token', async () => {
      // The ID token's audience is the client, so only its `typ` (JWT, not at+jwt) can make it fail here.
      const idTokenApi = await startApi({ ...options(), audience: clientId });
      try {
        await assertChallenge(await call(idTokenApi, '/profile', `Bearer ${tokens.id_token}`), 401, INVALID_TOKEN, 'invalid_token');
      } finally {
        await idTokenApi.close();
      }
      const [header, payload, signature] = tokens.access_token.split('.');
      const tampered = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
      await assertChallenge(await call(api, '/profile', `Bearer ${tampered}`), 401, INVALID_TOKEN, 'invalid_token');
      await assertChallenge(await call(api, '/profile', 'Bearer not.a.jwt'), 401, INVALID_TOKEN, 'invalid_token');
    });

    it('checks typ, exp and nbf of tokens signed with the issuer key', async () => {
      const now = epochNow();
      assert.equal((await call(api, '/profile', `Bearer ${reissue(suite.server, tokens.access_token, 'application/at+jwt')}`)).status, 200);
      const refused = [
        reissue(suite.server, tokens.access_token, 'JWT'),
        reissue(suite.server, tokens.access_token, 'at+jwt', { exp: now - 60 }),
        reissue(suite.server, tokens.access_token, 'at+jwt', { nbf: now + 120 }),
        reissue(suite.server, tokens.access_token, 'at+jwt', { client_id: undefined }),
        reissue(suite.server, tokens.access_token, 'at+jwt', { scope: 42 }),
      ];
      for (const token of refused) await assertChallenge(await call(api, '/profile', `Bearer ${token}`), 401, INVALID_TOKEN, 'invalid_token');
    });

    it('refuses a token for another audience, from another issuer, or expired', async () => {
      for (const refusing of [{ audience: 'https://api.example' }, { issuer: 'https://other.example', jwksUri: `${suite.server.url}/jwks` }, { now: () => Date.now() + 2 * 3600_000 }]) {
        const other = await startApi({ ...options(), ...refusing });
        try {
          await assertChallenge(await call(other, '/profile', `Bearer ${tokens.access_token}`), 401, INVALID_TOKEN, 'invalid_token');
        } finally {
          await other.close();
        }
      }
    });

    it('reports an unreachable key set as an error, not as a refused token', async () => {
      const unreachable = createAccessTokenVerifier({ ...options(), jwksUri: 'http://127.0.0.1:1/jwks' });
      const failure = await unreachable.verify(tokens.access_token).catch((error: unknown) => error);
      assert.ok(failure instanceof Error);
      assert.ok(!(failure instanceof ResourceServerError));
    });

    it('tolerates a small clock skew', async () => {
      const lifetime = suite.server.config.tokens.accessTokenTtl * 1000;
      const skewed = createAccessTokenVerifier({ ...options(), clockTolerance: 60, now: () => Date.now() + lifetime + 30_000 });
      assert.equal((await skewed.verify(tokens.access_token)).subject, userId);
      const strict = createAccessTokenVerifier({ ...options(), clockTolerance: 0, now: () => Date.now() + lifetime + 30_000 });
      await assert.rejects(strict.verify(tokens.access_token), ResourceServerError);
    });

    it('works as a plain function over any request object', async () => {
      const verifier = createAccessTokenVerifier({ issuer: suite.server.config.issuer, audience: suite.server.config.issuer });
      const principal = await verifier.authenticate({ headers: { authorization: `Bearer ${tokens.access_token}` }, url: '/orders' }, { requiredScopes: ['openid'] });
      assert.equal(principal.subject, userId);
      const refused = await verifier.authenticate({ headers: {}, url: '/orders' }).catch((error: unknown) => error);
      assert.ok(refused instanceof ResourceServerError);
      assert.equal(refused.status, 401);
      assert.equal(refused.code, undefined);
      assert.deepEqual(refused.headers, { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' });
      const odd = await verifier.authenticate({ headers: {}, url: 'http://[?access_token=x' }).catch((error: unknown) => error);
      assert.ok(odd instanceof ResourceServerError);
      assert.equal(odd.code, 'invalid_request');
      const repeated = await verifier.authenticate({ headers: { authorization: ['Bearer a', 'Bearer b'] } }).catch((error: unknown) => error);
      assert.ok(repeated instanceof ResourceServerError);
      assert.equal(repeated.code, 'invalid_request');
    });
  });
});
