// CORS in real Chromium: a page at a public client's origin redeems a code and calls /userinfo cross-origin and reads
// the answers; the same page served from another origin is blocked by the browser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/chromium.js';
import { forEachEngine } from '../support/database.js';
import { createClient, createUser, issueCode, pkcePair, type TestClient } from '../support/flow-fixtures.js';
import { freePort, useTestServer } from '../support/server.js';

const skip = browserSkipReason();
if (skip) console.log(skip);

/** A server for an empty page, standing in for a single-page application's origin. */
async function startPageServer(): Promise<{ readonly origin: string; readonly server: Server }> {
  const port = await freePort();
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${port}`, server };
}

interface FetchOutcome {
  readonly status?: number;
  readonly body?: Record<string, unknown>;
  readonly failure?: string;
}

/** Runs fetch in the page; a request the browser blocks for CORS rejects with a TypeError. */
function fetchFromPage(page: Page, url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<FetchOutcome> {
  return page.evaluate(
    async ([target, options]) => {
      try {
        const response = await fetch(target, options);
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      } catch (error) {
        return { failure: String(error) };
      }
    },
    [url, init] as const,
  );
}

forEachEngine((engine) => {
  describe(`CORS in a browser (${engine.name})`, { skip }, () => {
    const suite = useTestServer(engine);
    let browser: Browser;
    let application: Awaited<ReturnType<typeof startPageServer>>;
    let elsewhere: Awaited<ReturnType<typeof startPageServer>>;
    let publicClient: TestClient;

    before(async () => {
      application = await startPageServer();
      elsewhere = await startPageServer();
      publicClient = await createClient(suite.server, { tokenEndpointAuthMethod: 'none', redirectUris: [`${application.origin}/callback`] });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      application?.server.close();
      elsewhere?.server.close();
    });

    async function redeemFrom(origin: string): Promise<FetchOutcome> {
      const pkce = pkcePair();
      const redirectUri = `${application.origin}/callback`;
      const code = await issueCode(suite.server, publicClient.client, await createUser(suite.server), pkce, { redirectUri });
      const page = await browser.newPage();
      await page.goto(`${origin}/`);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier, client_id: publicClient.client.clientId });
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      const outcome = await fetchFromPage(page, `${suite.server.url}/token`, { method: 'POST', headers, body: body.toString() });
      const accessToken = outcome.body?.access_token;
      if (typeof accessToken !== 'string') return outcome;
      // The Authorization header makes this one a preflighted request.
      return fetchFromPage(page, `${suite.server.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    }

    it('lets the public client page read the token and userinfo answers', async () => {
      const outcome = await redeemFrom(application.origin);
      assert.equal(outcome.status, 200, JSON.stringify(outcome));
      assert.equal(typeof outcome.body?.sub, 'string');
    });

    it('lets the page read an error from the token endpoint', async () => {
      const page = await browser.newPage();
      await page.goto(`${application.origin}/`);
      const body = `grant_type=authorization_code&code=unknown&client_id=${publicClient.client.clientId}`;
      const outcome = await fetchFromPage(page, `${suite.server.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      assert.equal(outcome.status, 400, JSON.stringify(outcome));
      assert.equal(outcome.body?.error, 'invalid_request');
    });

    it('blocks a page from any other origin', async () => {
      const outcome = await redeemFrom(elsewhere.origin);
      assert.equal(outcome.status, undefined);
      assert.match(outcome.failure ?? '', /TypeError/);
      const page = await browser.newPage();
      await page.goto(`${elsewhere.origin}/`);
      const discovery = await fetchFromPage(page, `${suite.server.url}/.well-known/openid-configuration`, {});
      assert.match(discovery.failure ?? '', /TypeError/);
    });
  });
});
