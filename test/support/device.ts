// The device flow (RFC 8628) for tests: a device client, its authorization request, and a person approving in a browser stand-in.
import assert from 'node:assert/strict';
import type { DeviceAuthorizationResponse } from '../../src/device/device-authorization.js';
import { DEVICE_CODE_GRANT_TYPE, type UserRecord } from '../../src/store/records.js';
import { hiddenFields } from './authorization.js';
import { BrowserLike } from './browser-like.js';
import { createClient, postToken, type TestClient } from './flow-fixtures.js';
import { PASSWORD } from './login.js';
import type { TestServer } from './server.js';

/** RFC 8628 §3.2: the device authorization response. */
export type DeviceAuthorizationBody = DeviceAuthorizationResponse;

/** A public client registered for the device code grant only (no redirect URI), plus refresh tokens when asked. */
export function createDeviceClient(server: TestServer, options: { readonly refresh?: boolean; readonly scope?: string } = {}): Promise<TestClient> {
  return createClient(server, {
    clientType: 'public',
    tokenEndpointAuthMethod: 'none',
    redirectUris: [],
    grantTypes: options.refresh === true ? [DEVICE_CODE_GRANT_TYPE, 'refresh_token'] : [DEVICE_CODE_GRANT_TYPE],
    ...(options.scope === undefined ? {} : { scope: options.scope }),
  });
}

export function postDeviceAuthorization(server: TestServer, as: TestClient, parameters: Record<string, string> = { scope: 'openid profile' }): Promise<Response> {
  return postToken(server, parameters, { as, path: '/device_authorization' });
}

export async function startDeviceAuthorization(server: TestServer, as: TestClient, scope = 'openid profile'): Promise<DeviceAuthorizationBody> {
  const response = await postDeviceAuthorization(server, as, { scope });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as DeviceAuthorizationBody;
}

export function pollDeviceToken(server: TestServer, as: TestClient, deviceCode: string): Promise<Response> {
  return postToken(server, { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode }, { as });
}

/** POSTs a code on the verification page from `browser`, with the form's anti-CSRF token, after loading the form. */
export async function enterUserCode(browser: BrowserLike, userCode: string, headers: Readonly<Record<string, string>> = {}): Promise<Response> {
  const fields = hiddenFields(await (await browser.get('/device')).text());
  return browser.fetch('/device', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ csrf_token: fields.csrf_token!, user_code: userCode }).toString(),
  });
}

/**
 * A person enters the code, signs in (unless `browser` has a session) and decides on the confirmation page; returns
 * the page that ends the flow.
 */
export async function decideOnDevice(
  server: TestServer,
  user: UserRecord,
  userCode: string,
  decision: 'allow' | 'deny',
  browser = new BrowserLike(server.url),
): Promise<Response> {
  let page = await browser.follow(await enterUserCode(browser, userCode));
  if (new URL(page.url).pathname === '/login') {
    const fields = hiddenFields(await page.text());
    const login = { interaction: fields.interaction!, csrf_token: fields.csrf_token!, username: user.username, password: PASSWORD };
    page = await browser.follow(await browser.postForm('/login', login));
  }
  assert.equal(new URL(page.url).pathname, '/consent', 'the person is asked to confirm');
  const fields = hiddenFields(await page.text());
  return browser.postForm('/consent', { interaction: fields.interaction!, csrf_token: fields.csrf_token!, decision });
}
