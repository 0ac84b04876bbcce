// Shared steps of the account page tests: signing in at /account, reading the page, and connecting an application
// to the account through a real authorization request, consent and code exchange.
import assert from 'node:assert/strict';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { authorizeUrl, CODE_VERIFIER, hiddenFields } from './authorization.js';
import { BrowserLike } from './browser-like.js';
import { PASSWORD, postForm } from './login.js';
import type { TestServer } from './server.js';

export const CHROME_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** Opens /account without a session, signs in on the login page it leads to, and checks it leads back. */
export async function signInToAccount(
  server: TestServer,
  user: UserRecord,
  browser = new BrowserLike(server.url),
  headers: Record<string, string> = {},
  password = PASSWORD,
): Promise<BrowserLike> {
  const start = await browser.get('/account');
  const login = new URL(start.headers.get('location') ?? '', server.url);
  assert.equal(`${start.status} ${login.pathname}`, '303 /login', 'the account page asks for a login');
  const fields = hiddenFields(await (await browser.get(`${login.pathname}${login.search}`)).text());
  const posted = await postForm(browser, '/login', { ...fields, username: user.username, password }, headers);
  assert.equal(`${posted.status} ${posted.headers.get('location')}`, `303 ${server.config.issuer}/account`);
  return browser;
}

/** The account page as `browser` sees it, with the anti-CSRF token of its forms. */
export async function openAccount(browser: BrowserLike): Promise<{ readonly response: Response; readonly page: string; readonly csrfToken: string }> {
  const response = await browser.get('/account');
  assert.equal(response.status, 200);
  const page = await response.text();
  return { response, page, csrfToken: hiddenFields(page).csrf_token ?? '' };
}

export interface ConnectedTokens {
  readonly refresh_token: string;
  readonly id_token: string;
}

/** Authorizes `client` in `browser`'s session (consenting when asked) and redeems the code as the client would. */
export async function connectApplication(server: TestServer, browser: BrowserLike, client: ClientRecord): Promise<ConnectedTokens> {
  const redirectUri = client.redirectUris[0]!;
  let response = await browser.get(authorizeUrl(client, { scope: 'openid profile offline_access', prompt: 'consent' }));
  const consent = new URL(response.headers.get('location') ?? '', server.url);
  assert.equal(consent.pathname, '/consent');
  const fields = hiddenFields(await (await browser.get(`${consent.pathname}${consent.search}`)).text());
  response = await postForm(browser, '/consent', { ...fields, decision: 'allow' });
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const exchange = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: CODE_VERIFIER, client_id: client.clientId };
  const tokens = await fetch(`${server.url}/token`, { method: 'POST', body: new URLSearchParams(exchange) });
  assert.equal(tokens.status, 200, await tokens.clone().text());
  return (await tokens.json()) as ConnectedTokens;
}

/** A refresh request of a public client, as the application would send it. */
export function refresh(server: TestServer, client: ClientRecord, refreshToken: string): Promise<Response> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId });
  return fetch(`${server.url}/token`, { method: 'POST', body });
}
