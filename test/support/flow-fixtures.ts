// Token-side fixtures: clients, users and authorization codes made in the store (no authorize endpoint needed),
// token and userinfo requests, and JWT verification against the server's published JWKS.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTPayload, type JWTVerifyResult } from 'jose';
import { ClientRegistrationService } from '../../src/clients/registration.js';
import type { ClientMetadataInput } from '../../src/clients/metadata.js';
import { EventBus } from '../../src/observability/events.js';
import type { AuthorizationCodeRecord, ClientRecord, SigningAlgorithm, UserRecord } from '../../src/store/records.js';
import { generateOpaqueValue, hashOpaqueValue } from '../../src/tokens/opaque.js';
import { UserService } from '../../src/users/service.js';
import type { TestServer } from './server.js';

/** What a helper needs of a server: its URL to send requests, its store to seed (a separate process on the same database qualifies). */
export type ReachableServer = Pick<TestServer, 'url'>;
export type SeededServer = Pick<TestServer, 'store'>;

export const REDIRECT_URI = 'https://client.example/callback';
export const NONCE = 'n-0S6_WzA2Mj';
export const epochNow = (): number => Math.floor(Date.now() / 1000);

/** A registered client and, for a confidential one, its plain secret. */
export interface TestClient {
  readonly client: ClientRecord;
  readonly secret: string | null;
}

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

export function pkcePair(verifier = randomBytes(32).toString('base64url')): PkcePair {
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

function services(server: SeededServer) {
  const events = new EventBus(() => undefined);
  return { store: server.store, events, context: { actor: 'test' }, clock: epochNow };
}

/** Registers a client through the registration service (a confidential basic client with refresh by default). */
export async function createClient(server: SeededServer, input: ClientMetadataInput = {}, gracePeriod = 3600, now?: () => number): Promise<TestClient> {
  const registration = new ClientRegistrationService({ ...services(server), clientSecretGracePeriod: gracePeriod, clock: now ?? epochNow });
  const { client, clientSecret } = await registration.create({
    clientName: `client ${randomBytes(6).toString('hex')}`,
    redirectUris: [REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token'],
    ...input,
  });
  const record = await server.store.clients.findById(client.clientId);
  assert.ok(record);
  return { client: record, secret: clientSecret };
}

export async function createUser(server: SeededServer, email = 'ada@example.test'): Promise<UserRecord> {
  const users = new UserService(services(server));
  const view = await users.create({ username: `ada-${randomBytes(4).toString('hex')}`, password: 'correct horse battery staple', email, name: 'Ada Lovelace' });
  const record = await server.store.users.findById(view.userId);
  assert.ok(record);
  return record;
}

/** Stores an authorization code as the authorize endpoint would, returning the plain code. */
export async function issueCode(
  server: SeededServer,
  client: ClientRecord,
  user: UserRecord,
  pkce: PkcePair,
  overrides: Partial<AuthorizationCodeRecord> = {},
): Promise<string> {
  const code = generateOpaqueValue(32);
  const now = epochNow();
  await server.store.authorizationCodes.create({
    codeHash: hashOpaqueValue(code),
    clientId: client.clientId,
    userId: user.userId,
    sessionId: `sid-${randomBytes(6).toString('hex')}`,
    redirectUri: REDIRECT_URI,
    redirectUriSent: true,
    scope: 'openid profile email offline_access',
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    nonce: NONCE,
    authTime: now - 30,
    resources: [],
    apiScope: '',
    dpopJkt: null,
    flowId: null,
    createdAt: now,
    expiresAt: now + 60,
    consumedAt: null,
    ...overrides,
  });
  return code;
}

export interface TokenRequestOptions {
  /** Client credentials; sent the way the client registered (Basic, body, or client_id alone). */
  readonly as?: TestClient;
  readonly headers?: Record<string, string>;
  /** Another endpoint that authenticates clients as /token does (default `/token`). */
  readonly path?: string;
}

/** POSTs a form to /token (or `options.path`), authenticating as `options.as` by its registered method. */
export function postToken(server: ReachableServer, parameters: Record<string, string>, options: TokenRequestOptions = {}): Promise<Response> {
  const body = new URLSearchParams(parameters);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  const as = options.as;
  if (as !== undefined) {
    const method = as.client.tokenEndpointAuthMethod;
    if (method === 'client_secret_basic') headers.authorization = basicAuthorization(as.client.clientId, as.secret ?? '');
    else body.set('client_id', as.client.clientId);
    if (method === 'client_secret_post') body.set('client_secret', as.secret ?? '');
  }
  return fetch(`${server.url}${options.path ?? '/token'}`, { method: 'POST', headers, body: body.toString() });
}

/** RFC 6749 §2.3.1: id and secret form-urlencoded, then joined by a colon and base64-encoded. */
export function basicAuthorization(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

export interface TokenResponseBody {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
}

/** Redeems `code` and returns the parsed 200 response. */
export async function redeemCode(server: ReachableServer, as: TestClient, code: string, pkce: PkcePair): Promise<TokenResponseBody> {
  const response = await postToken(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }, { as });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as TokenResponseBody;
}

/** A client, a user and a redeemed code: the usual starting point of refresh and userinfo tests. */
export async function startGrant(server: ReachableServer & SeededServer, scope = 'openid profile email offline_access'): Promise<{ as: TestClient; user: UserRecord; tokens: TokenResponseBody }> {
  const as = await createClient(server);
  const user = await createUser(server);
  const pkce = pkcePair();
  const tokens = await redeemCode(server, as, await issueCode(server, as.client, user, pkce, { scope }), pkce);
  return { as, user, tokens };
}

/** An RFC 6749 §5.2 error answer from the token endpoint: status, JSON body with the code, and no-store headers. */
export async function assertTokenError(response: Response, error: string, status = 400): Promise<void> {
  assert.equal(response.status, status, `status for ${error}`);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('pragma'), 'no-cache');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await response.json()) as { error: string; error_description: string };
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
}

export function getUserInfo(server: ReachableServer, accessToken: string): Promise<Response> {
  return fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

export interface VerifyJwtOptions {
  readonly typ: string;
  readonly audience: string;
  /** The one algorithm accepted; default keys.accessTokenAlgorithm for `at+jwt`, else RS256 (an ID token's default). */
  readonly alg?: SigningAlgorithm;
}

/** Verifies a JWT against the server's JWKS, as a relying party or resource server pinned to one algorithm would. */
export async function verifyJwt(server: TestServer, token: string, options: VerifyJwtOptions): Promise<JWTVerifyResult<JWTPayload>> {
  const jwks = createLocalJWKSet(JSON.parse(server.keyRing.jwksJson()) as Parameters<typeof createLocalJWKSet>[0]);
  const alg = options.alg ?? (options.typ === 'at+jwt' ? server.config.keys.accessTokenAlgorithm : 'RS256');
  return jwtVerify(token, jwks, { issuer: server.config.issuer, audience: options.audience, typ: options.typ, algorithms: [alg] });
}

/** Audit events of `type`, most recent first, once at least `count` exist: a response waits for its own, background work (deliveries, sweeps) writes later. */
export async function auditEvents(server: SeededServer, type: string, count = 1): Promise<Awaited<ReturnType<TestServer['store']['audit']['list']>>> {
  for (let attempt = 0; ; attempt++) {
    const events = await server.store.audit.list({ limit: 100, type });
    if (events.length >= count || attempt >= 100) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
