// Helpers for authorization endpoint tests: clients, users and sessions in the store, PKCE, request URLs and assertions.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Config } from '../../src/config/schema.js';
import { sessionCookieName } from '../../src/sessions/sessions.js';
import type { ClientRecord, SessionRecord, UserRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { generateOpaqueValue, hashOpaqueValue } from '../../src/tokens/opaque.js';
import { aClient, aUser } from '../store/fixtures.js';
import type { BrowserLike } from './browser-like.js';

export const CALLBACK = 'https://client.example/cb';
export const CODE_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const CODE_CHALLENGE = createHash('sha256').update(CODE_VERIFIER).digest('base64url');
/** A state with characters that must survive encoding exactly. */
export const STATE = 'st a+te/&=?é<"\'>';

export const epochNow = (): number => Math.floor(Date.now() / 1000);

export async function registerClient(store: Store, overrides: Partial<ClientRecord> = {}): Promise<ClientRecord> {
  const client = aClient({ redirectUris: [CALLBACK], scope: 'openid profile email offline_access', ...overrides });
  await store.clients.create(client);
  return client;
}

export async function registerUser(store: Store, overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
  const user = aUser(overrides);
  await store.users.create(user);
  return user;
}

/** Gives `browser` a session of `user` made directly in the store, as if they had logged in earlier (no login form). */
export async function plantSession(
  store: Store,
  config: Config,
  browser: BrowserLike,
  user: UserRecord,
  overrides: Partial<SessionRecord> = {},
): Promise<SessionRecord> {
  const cookieValue = generateOpaqueValue(32);
  const now = epochNow();
  const session: SessionRecord = {
    sessionHash: hashOpaqueValue(cookieValue),
    sessionId: generateOpaqueValue(16),
    userId: user.userId,
    authTime: now,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: now + 1800,
    absoluteExpiresAt: now + 3600,
    endedAt: null,
    ip: null,
    userAgent: null,
    ...overrides,
  };
  await store.sessions.create(session);
  browser.setCookie(sessionCookieName(config), cookieValue);
  return session;
}

export type RequestOverrides = Readonly<Record<string, string | undefined>>;

/** A valid request's parameters for `client`; an override of undefined leaves a parameter out. */
export function authorizationParameters(client: ClientRecord, overrides: RequestOverrides = {}): URLSearchParams {
  const fields: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUris[0],
    scope: 'openid profile',
    state: STATE,
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: CODE_CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) parameters.append(name, value);
  return parameters;
}

export function authorizeUrl(client: ClientRecord, overrides: RequestOverrides = {}): string {
  return `/authorize?${authorizationParameters(client, overrides).toString()}`;
}

/** The query parameters of a redirect to `redirectUri`, after checking it is one. */
export function redirectParameters(response: Response, redirectUri: string = CALLBACK): URLSearchParams {
  assert.equal(response.status, 303, 'a 303 redirect');
  const location = response.headers.get('location') ?? '';
  assert.ok(location.startsWith(`${redirectUri}?`), `redirect to ${redirectUri}, got ${location}`);
  return new URL(location).searchParams;
}

/** An error redirect per RFC 6749 §4.1.2.1 and RFC 9207: error, a description, state echoed exactly, iss. */
export function assertErrorRedirect(response: Response, error: string, issuer: string, options: { state?: string | null; redirectUri?: string } = {}): void {
  const parameters = redirectParameters(response, options.redirectUri);
  assert.equal(parameters.get('error'), error);
  assert.ok((parameters.get('error_description') ?? '').length > 0, 'an error_description');
  assert.equal(parameters.get('state'), options.state === undefined ? STATE : options.state);
  assert.equal(parameters.get('iss'), issuer);
  assert.equal(parameters.get('code'), null);
}

/** SECURITY.md: every page a person sees carries these headers. */
export function assertPageHeaders(response: Response): void {
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
}

/** An error page for the person: the status, HTML with the security headers, and never a redirect. */
export async function assertErrorPage(response: Response, status = 400): Promise<string> {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('location'), null, 'no redirect');
  assertPageHeaders(response);
  return response.text();
}

/** The hidden field values of the first form on a page. */
export function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]!] = decodeEntities(match[2]!);
  return fields;
}

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[entity] ?? '');
}
