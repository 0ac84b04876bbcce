// A person's whole login as a script: /authorize, login, consent, the code redeemed with a DPoP proof, a refresh and
// a userinfo call, recording every request id of the flow and every secret value that crossed the wire.
import assert from 'node:assert/strict';
import { authorizeUrl, hiddenFields } from './authorization.js';
import { BrowserLike } from './browser-like.js';
import { dpopKey, dpopProof } from './dpop.js';
import { pkcePair, postToken, REDIRECT_URI, type TestClient, type TokenResponseBody } from './flow-fixtures.js';
import { PASSWORD } from './login.js';
import type { TestServer } from './server.js';
import type { UserRecord } from '../../src/store/records.js';

export interface ScriptedFlow {
  /** Every request from /authorize to the token exchange, in order, by the request id each response carried. */
  readonly requestIds: readonly string[];
  /** Requests after the flow (refresh, userinfo): tokens of their own, outside any flow. */
  readonly laterRequestIds: readonly string[];
  /** Every secret value sent or received: the client secret, cookies, code, verifier, tokens, password, proofs, CSRF tokens. */
  readonly secrets: readonly string[];
}

/** Runs the flow for `as` (authenticating by its registered method) and `user`; every answer is checked on the way. */
export async function runScriptedFlow(server: TestServer, as: TestClient, user: UserRecord): Promise<ScriptedFlow> {
  const browser = new BrowserLike(server.url);
  const requestIds: string[] = [];
  const secrets: string[] = [PASSWORD, as.secret ?? ''];
  const track = async (sent: Promise<Response>, into: string[] = requestIds): Promise<Response> => {
    const response = await sent;
    into.push(response.headers.get('x-request-id') ?? '');
    for (const cookie of response.headers.getSetCookie()) secrets.push(/^[^=]+=([^;]*)/.exec(cookie)?.[1] ?? '');
    return response;
  };
  // Same-origin redirects, as a browser follows them, each a request of the flow.
  const walk = async (first: Response): Promise<Response> => {
    let response = first;
    while (response.status === 303 && new URL(response.headers.get('location') ?? '', server.url).origin === server.url) {
      response = await track(browser.get(response.headers.get('location') ?? ''));
    }
    return response;
  };
  const pkce = pkcePair();
  const scope = 'openid profile offline_access';
  const loginPage = await walk(await track(browser.get(authorizeUrl(as.client, { code_challenge: pkce.challenge, scope }))));
  const login = hiddenFields(await loginPage.text());
  secrets.push(login.csrf_token ?? '', login.interaction ?? '');
  const consentPage = await walk(await track(browser.postForm('/login', { ...login, username: user.username, password: PASSWORD })));
  const consent = hiddenFields(await consentPage.text());
  const redirect = await track(browser.postForm('/consent', { interaction: consent.interaction ?? '', csrf_token: consent.csrf_token ?? '', decision: 'allow' }));
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
  assert.ok(code.length > 0, `a code, got ${redirect.status} ${redirect.headers.get('location')}`);

  const key = await dpopKey();
  const proof = await dpopProof(key, { htu: `${server.url}/token` });
  const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
  const exchanged = await track(postToken(server, exchange, { as, headers: { dpop: proof } }));
  assert.equal(exchanged.status, 200, await exchanged.clone().text());
  const tokens = (await exchanged.json()) as TokenResponseBody;
  secrets.push(code, pkce.verifier, proof, tokens.access_token, tokens.refresh_token ?? '', tokens.id_token ?? '');

  const laterRequestIds: string[] = [];
  const refreshProof = await dpopProof(key, { htu: `${server.url}/token` });
  const refreshed = await track(postToken(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }, { as, headers: { dpop: refreshProof } }), laterRequestIds);
  assert.equal(refreshed.status, 200, await refreshed.clone().text());
  const rotated = (await refreshed.json()) as TokenResponseBody;
  const userinfoProof = await dpopProof(key, { htm: 'GET', htu: `${server.url}/userinfo`, accessToken: rotated.access_token });
  const userinfo = await track(fetch(`${server.url}/userinfo`, { headers: { authorization: `DPoP ${rotated.access_token}`, dpop: userinfoProof } }), laterRequestIds);
  assert.equal(userinfo.status, 200, await userinfo.clone().text());
  secrets.push(refreshProof, userinfoProof, rotated.access_token, rotated.refresh_token ?? '', rotated.id_token ?? '');
  return { requestIds, laterRequestIds, secrets: secrets.filter((secret) => secret !== '') };
}
