// gatehouse/resource-server introspection mode against a small local RFC 7662 server (the issuer's own introspection
// endpoint is tested end to end where it is built).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createAccessTokenVerifier, ResourceServerError, type AccessTokenVerifierOptions } from '../../src/resource-server/index.js';
import { basicAuthorization } from '../support/flow-fixtures.js';

const API_ID = 'orders-api';
const API_SECRET = 'orders secret:with/odd chars';
const AUDIENCE = 'https://orders.example';

interface IntrospectionServer {
  readonly issuer: string;
  /** Bodies of the introspection requests received. */
  readonly requests: URLSearchParams[];
  /** Paths of the metadata requests received. */
  readonly metadataRequests: string[];
  close(): Promise<void>;
}

/** Answers RFC 7662 requests from `answers` by token; refuses requests without the API's Basic credentials. */
async function startIntrospectionServer(answers: Readonly<Record<string, Record<string, unknown>>>): Promise<IntrospectionServer> {
  const requests: URLSearchParams[] = [];
  const metadataRequests: string[] = [];
  let issuer = '';
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.url?.startsWith('/.well-known/')) metadataRequests.push(request.url);
      if (request.url === '/.well-known/oauth-authorization-server') return json(200, { issuer, introspection_endpoint: `${issuer}/introspect` });
      // An issuer with a path whose metadata lists no introspection endpoint.
      if (request.url === '/.well-known/oauth-authorization-server/bare') return json(200, { issuer: `${issuer}/bare` });
      if (request.method !== 'POST' || request.url !== '/introspect') return json(404, { error: 'not_found' });
      if (request.headers.authorization !== basicAuthorization(API_ID, API_SECRET)) return json(401, { error: 'invalid_client' });
      const parameters = new URLSearchParams(body);
      requests.push(parameters);
      json(200, answers[parameters.get('token') ?? ''] ?? { active: false });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { issuer, requests, metadataRequests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const active = (changes: Record<string, unknown> = {}) => ({
  active: true,
  sub: 'user-1',
  client_id: 'spa',
  scope: 'orders:read profile',
  aud: AUDIENCE,
  exp: nowSeconds() + 600,
  ...changes,
});

describe('resource server, introspection mode', () => {
  let server: IntrospectionServer;
  let now = Date.now();
  const verifierFor = (options: Partial<AccessTokenVerifierOptions> = {}) =>
    createAccessTokenVerifier({ issuer: server.issuer, audience: AUDIENCE, now: () => now, introspection: { clientId: API_ID, clientSecret: API_SECRET }, ...options });

  before(async () => {
    server = await startIntrospectionServer({
      good: active(),
      other_audience: active({ aud: ['https://billing.example'] }),
      other_issuer: active({ iss: 'https://elsewhere.example' }),
      expired: active({ exp: nowSeconds() - 120 }),
      no_subject: active({ sub: undefined }),
    });
  });
  beforeEach(() => {
    now = Date.now();
    server.requests.length = 0;
  });
  after(() => server?.close());

  it('finds the endpoint in the metadata and authenticates with client_secret_basic', async () => {
    const principal = await verifierFor().verify('good', { requiredScopes: ['orders:read'] });
    assert.deepEqual({ ...principal, claims: undefined }, { subject: 'user-1', clientId: 'spa', scopes: ['orders:read', 'profile'], audience: [AUDIENCE], expiresAt: principal.expiresAt, claims: undefined });
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.get('token_type_hint'), 'access_token');
  });

  it('reuses an answer for cacheTtl seconds, then asks again', async () => {
    const verifier = verifierFor({ introspection: { clientId: API_ID, clientSecret: API_SECRET, cacheTtl: 5 } });
    await verifier.verify('good');
    now += 4_000;
    await verifier.verify('good');
    assert.equal(server.requests.length, 1);
    now += 1_000;
    await verifier.verify('good');
    assert.equal(server.requests.length, 2);
  });

  it('keeps no more answers than cacheSize', async () => {
    const verifier = verifierFor({ introspection: { clientId: API_ID, clientSecret: API_SECRET, cacheSize: 1 } });
    await verifier.verify('good');
    await assert.rejects(verifier.verify('unknown'), ResourceServerError);
    await verifier.verify('good');
    assert.equal(server.requests.length, 3);
  });

  it('refuses inactive tokens and tokens for another audience or issuer, expired or incomplete', async () => {
    const verifier = verifierFor();
    for (const token of ['unknown', 'other_audience', 'other_issuer', 'expired', 'no_subject']) {
      const refused = await verifier.verify(token).catch((error: unknown) => error);
      assert.ok(refused instanceof ResourceServerError, token);
      assert.equal(refused.status, 401, token);
      assert.equal(refused.code, 'invalid_token', token);
    }
    // An inactive answer is cached too: asking again costs no request.
    await assert.rejects(verifier.verify('unknown'), ResourceServerError);
    assert.equal(server.requests.length, 5);
  });

  it('checks required scopes on an introspected token', async () => {
    const refused = await verifierFor().verify('good', { requiredScopes: ['orders:write'] }).catch((error: unknown) => error);
    assert.ok(refused instanceof ResourceServerError);
    assert.equal(refused.status, 403);
    assert.match(refused.wwwAuthenticate, /scope="orders:write"/);
  });

  it('reports a failing introspection endpoint as an error, not as a refused token', async () => {
    const wrongSecret = verifierFor({ introspection: { clientId: API_ID, clientSecret: 'wrong', endpoint: `${server.issuer}/introspect` } });
    const failure = await wrongSecret.verify('good').catch((error: unknown) => error);
    assert.ok(failure instanceof Error && !(failure instanceof ResourceServerError));
    assert.match(failure.message, /401/);
    assert.doesNotMatch(failure.message, /good/);
  });

  it('refuses metadata that names another issuer, lacks the endpoint, or is missing, and asks again after a failure', async () => {
    const verify = (issuer: string) => createAccessTokenVerifier({ issuer, audience: AUDIENCE, introspection: { clientId: API_ID, clientSecret: API_SECRET } }).verify('good');
    await assert.rejects(verify(`${server.issuer}/`), /names another issuer/);
    await assert.rejects(verify(`${server.issuer}/bare`), /no introspection_endpoint/);
    const missing = createAccessTokenVerifier({ issuer: `${server.issuer}/missing`, audience: AUDIENCE, introspection: { clientId: API_ID, clientSecret: API_SECRET } });
    await assert.rejects(missing.verify('good'), /answered 404/);
    await assert.rejects(missing.verify('good'), /answered 404/);
    assert.equal(server.metadataRequests.filter((path) => path.endsWith('/missing')).length, 2);
    assert.equal(server.requests.length, 0);
  });
});
