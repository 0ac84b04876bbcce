// Shared setup for the login, throttle and logout tests: a client, users, and browsers sent to log in by /authorize.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { hashPassword } from '../../src/users/password.js';
import { authorizeUrl, hiddenFields, type RequestOverrides } from './authorization.js';
import { BrowserLike, type FormFields } from './browser-like.js';
import type { TestServer } from './server.js';

export const PASSWORD = 'correct horse battery staple';
export const REDIRECT_URI = 'https://app.example:8443/callback';
export const INVALID = 'Invalid username or password.';

const nowInSeconds = (): number => Math.floor(Date.now() / 1000);
const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

export async function seedClient(store: Store, overrides: Partial<ClientRecord> = {}): Promise<ClientRecord> {
  const now = nowInSeconds();
  const client: ClientRecord = {
    clientId: uniqueName('client'),
    clientName: uniqueName('Example App'),
    clientType: 'public',
    tokenEndpointAuthMethod: 'none',
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [],
    grantTypes: ['authorization_code'],
    scope: 'openid profile',
    firstParty: false,
    idTokenSignedResponseAlg: 'RS256',
    backchannelLogoutUri: null,
    requirePushedAuthorizationRequests: false,
    secretHash: null,
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    jwks: null,
    jwksUri: null,
    dpopBoundAccessTokens: false,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await store.clients.create(client);
  return client;
}

export async function seedUser(store: Store, overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
  const now = nowInSeconds();
  const user: UserRecord = {
    userId: uniqueName('user'),
    username: uniqueName('ada'),
    email: null,
    emailVerified: false,
    name: 'Ada Lovelace',
    passwordHash: await hashPassword(PASSWORD),
    disabledAt: null,
    admin: false,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await store.users.create(user);
  return user;
}

/** A browser in the middle of an authorization request: the interaction it was sent to log in for, and the form's token. */
export interface Flow {
  readonly browser: BrowserLike;
  readonly interactionId: string;
  readonly csrfToken: string;
}

/** Sends `browser` through GET /authorize to the login page, as a relying party would, and reads the form's fields. */
export async function beginInteraction(
  server: Pick<TestServer, 'url'>,
  client: ClientRecord,
  parameters: RequestOverrides = {},
  browser = new BrowserLike(server.url),
): Promise<Flow> {
  const response = await browser.get(authorizeUrl(client, parameters));
  const location = new URL(response.headers.get('location') ?? '', server.url);
  assert.equal(`${response.status} ${location.pathname}`, '303 /login', 'the authorization endpoint asks for a login');
  // Path only: behind a TLS proxy the issuer's https origin is not where this test server listens.
  const fields = hiddenFields(await (await browser.get(`${location.pathname}${location.search}`)).text());
  return { browser, interactionId: fields.interaction!, csrfToken: fields.csrf_token! };
}

export function getLoginPage(flow: Flow): Promise<Response> {
  return flow.browser.get(`/login?interaction=${encodeURIComponent(flow.interactionId)}`);
}

/** POSTs a form from `browser`, with extra request headers (a proxy's X-Forwarded-For, a User-Agent). */
export function postForm(browser: BrowserLike, path: string, fields: FormFields, headers: Readonly<Record<string, string>> = {}): Promise<Response> {
  return browser.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ ...fields }).toString(),
  });
}

export function postLogin(
  flow: Flow,
  credentials: { readonly username: string; readonly password: string },
  headers: Readonly<Record<string, string>> = {},
): Promise<Response> {
  return postForm(flow.browser, '/login', { interaction: flow.interactionId, csrf_token: flow.csrfToken, ...credentials }, headers);
}

/** Logs `user` in through a fresh authorization request (prompt=login, so an existing session is replaced). */
export async function logIn(server: TestServer, client: ClientRecord, user: UserRecord, browser = new BrowserLike(server.url)): Promise<BrowserLike> {
  const flow = await beginInteraction(server, client, { prompt: 'login' }, browser);
  const response = await postLogin(flow, { username: user.username, password: PASSWORD });
  if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
  return browser;
}

/** A page with its per-response nonces blanked, so two pages can be compared byte for byte. */
export function withoutNonces(page: string): string {
  return page.replace(/nonce="[^"]+"/g, 'nonce=""');
}

/** The text of the page's alert box, if it has one. */
export function alertText(page: string): string | undefined {
  return /<p class="alert" role="alert"[^>]*>([^<]*)<\/p>/.exec(page)?.[1];
}
