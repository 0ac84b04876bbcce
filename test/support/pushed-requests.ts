// Pushed authorization requests (RFC 9126) for tests: a valid request's parameters, pushing it to /par, and its request_uri.
import assert from 'node:assert/strict';
import { CODE_CHALLENGE, STATE } from './authorization.js';
import { postToken, REDIRECT_URI, type TestClient } from './flow-fixtures.js';
import type { TestServer } from './server.js';

export const REQUEST_URI_PATTERN = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/;

/** A valid authorization request of `as` (redirect URI of flow-fixtures); an override of undefined leaves a parameter out. */
export function pushedParameters(as: TestClient, overrides: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: as.client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    state: STATE,
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: CODE_CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** POSTs the request to /par, authenticating as `as` by its registered method. */
export function postPushedRequest(server: TestServer, as: TestClient, overrides: Readonly<Record<string, string | undefined>> = {}): Promise<Response> {
  return postToken(server, pushedParameters(as, overrides), { as, path: '/par' });
}

/** Pushes a valid request and returns its request_uri, after checking the 201 answer. */
export async function pushRequest(server: TestServer, as: TestClient, overrides: Readonly<Record<string, string | undefined>> = {}): Promise<string> {
  const response = await postPushedRequest(server, as, overrides);
  const body = (await response.json()) as { request_uri?: string; error_description?: string };
  assert.equal(response.status, 201, body.error_description);
  assert.match(body.request_uri ?? '', REQUEST_URI_PATTERN);
  return body.request_uri!;
}

/** The /authorize URL of a pushed request: client_id and request_uri, plus whatever else the query carries (ignored). */
export function pushedAuthorizeUrl(clientId: string, requestUri: string, extra: Readonly<Record<string, string>> = {}): string {
  return `/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri, ...extra }).toString()}`;
}
