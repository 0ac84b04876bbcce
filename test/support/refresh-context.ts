// A grant redeemed from a chosen IP (through the trusted test proxy) and User-Agent, refreshed from others in turn.
import assert from 'node:assert/strict';
import { fromClientIp } from './client-ip.js';
import { createClient, createUser, issueCode, pkcePair, postToken, REDIRECT_URI, type TokenResponseBody, verifyJwt } from './flow-fixtures.js';
import type { TestServer } from './server.js';

/** Browsers as a person's updates and switches present them. */
export const CHROME_120 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
export const CHROME_131 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

export interface Origin {
  readonly ip: string;
  readonly userAgent: string;
}

const headersFor = (origin: Origin) => ({ ...fromClientIp(origin.ip), 'user-agent': origin.userAgent });

/** A token family whose code was redeemed from `origin`; `refreshFrom` rotates its current refresh token from another. */
export async function grantFrom(server: TestServer, origin: Origin) {
  const as = await createClient(server);
  const user = await createUser(server);
  const pkce = pkcePair();
  const code = await issueCode(server, as.client, user, pkce);
  const parameters = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
  let tokens = await expectTokens(await postToken(server, parameters, { as, headers: headersFor(origin) }));
  const { payload } = await verifyJwt(server, tokens.access_token, { typ: 'at+jwt', audience: server.config.issuer });
  return {
    familyId: String(payload.gid),
    clientId: as.client.clientId,
    userId: user.userId,
    async refreshFrom(from: Origin): Promise<void> {
      const refresh = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! };
      tokens = await expectTokens(await postToken(server, refresh, { as, headers: headersFor(from) }));
    },
  };
}

async function expectTokens(response: Response): Promise<TokenResponseBody> {
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as TokenResponseBody;
}
