// Introspection and revocation requests, and tokens made behind the flows' back: signed by the server's own keys
// with chosen claims (another audience, no grant, already expired), or refresh tokens stored with chosen fields.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { RefreshTokenRecord, TokenFamilyRecord } from '../../src/store/records.js';
import { signJwt } from '../../src/tokens/jwt.js';
import { generateOpaqueValue, hashOpaqueValue } from '../../src/tokens/opaque.js';
import { epochNow, postToken, type TestClient, type TokenRequestOptions } from './flow-fixtures.js';
import type { TestServer } from './server.js';

/** POSTs `token` (and any other parameters) to /introspect, authenticating as `options.as` by its registered method. */
export function postIntrospect(server: TestServer, token: string, options: TokenRequestOptions = {}, extra: Record<string, string> = {}): Promise<Response> {
  return postToken(server, { token, ...extra }, { ...options, path: '/introspect' });
}

/** POSTs `token` (and any other parameters) to /revoke, authenticating as `options.as` by its registered method. */
export function postRevoke(server: TestServer, token: string, options: TokenRequestOptions = {}, extra: Record<string, string> = {}): Promise<Response> {
  return postToken(server, { token, ...extra }, { ...options, path: '/revoke' });
}

/** The parsed 200 answer of an introspection. */
export async function introspect(server: TestServer, token: string, as: TestClient): Promise<Record<string, unknown>> {
  const response = await postIntrospect(server, token, { as });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('pragma'), 'no-cache');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return (await response.json()) as Record<string, unknown>;
}

/** An access token signed with the server's access token key: RFC 9068 claims for `client`, overridden by `claims`. */
export function signAccessToken(server: TestServer, client: TestClient, claims: Record<string, unknown> = {}): string {
  const key = server.keyRing.activeKey(server.config.keys.accessTokenAlgorithm);
  assert.ok(key);
  const now = epochNow();
  const defaults = { iss: server.config.issuer, sub: client.client.clientId, aud: 'https://api.example.test', client_id: client.client.clientId };
  return signJwt({ typ: 'at+jwt' }, { ...defaults, scope: 'read', iat: now, exp: now + 300, jti: randomUUID(), ...claims }, key);
}

/** Stores a family of `client`'s for `userId` with one refresh token and returns the token's plain value. */
export async function storeRefreshToken(
  server: TestServer,
  client: TestClient,
  userId: string,
  overrides: { family?: Partial<TokenFamilyRecord>; token?: Partial<RefreshTokenRecord> } = {},
): Promise<{ value: string; family: TokenFamilyRecord }> {
  const now = epochNow();
  const family: TokenFamilyRecord = {
    familyId: randomUUID(),
    clientId: client.client.clientId,
    userId,
    scope: 'openid offline_access',
    sessionId: 'sid-stored',
    authTime: now - 60,
    authorizationCodeHash: randomBytes(16).toString('base64url'),
    resources: [],
    apiScope: '',
    dpopJkt: null,
    createdAt: now - 60,
    expiresAt: now + 3600,
    revokedAt: null,
    revokedReason: null,
    context: null,
    ...overrides.family,
  };
  const value = generateOpaqueValue();
  await server.store.refreshTokens.createFamily(family);
  const record = { tokenHash: hashOpaqueValue(value), familyId: family.familyId, clientId: family.clientId, scope: family.scope };
  await server.store.refreshTokens.create({ ...record, issuedAt: now - 60, expiresAt: now + 600, rotatedAt: null, ...overrides.token });
  return { value, family };
}
