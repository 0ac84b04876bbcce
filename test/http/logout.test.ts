// Logout: a confirmation page, a POST checked against the session-bound token, the session ended and the cookie cleared.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { logIn, postForm, seedClient, seedUser } from '../support/login.js';
import { auditEvents } from '../support/flow-fixtures.js';

const csrfTokenIn = (page: string): string | undefined => /name="csrf_token" value="([^"]+)"/.exec(page)?.[1];

forEachEngine((engine) => {
  describe(`logout (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let client: ClientRecord;
    let user: UserRecord;
    before(async () => {
      client = await seedClient(suite.server.store);
      user = await seedUser(suite.server.store, { username: 'ada<&>' });
    });

    const now = (): number => Math.floor(Date.now() / 1000);
    const isLive = async (cookieValue: string) => (await suite.server.store.sessions.findLive(hashOpaqueValue(cookieValue), now())) !== undefined;

    it('asks "Sign out of Gatehouse?" with a token, naming the user escaped, as a secure page', async () => {
      const jar = await logIn(suite.server, client, user);
      const response = await jar.fetch(`${suite.server.url}/logout`);
      assert.equal(response.status, 200);
      const page = await response.text();
      assert.match(page, /<h1>Sign out of Gatehouse\?<\/h1>/);
      assert.ok(page.includes('You are signed in as <strong>ada&lt;&amp;&gt;</strong>.'));
      assert.match(page, /<form method="post" action="\/logout">/);
      assert.ok(csrfTokenIn(page));
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.ok(!(response.headers.get('content-security-policy') ?? '').includes('unsafe-inline'));
    });

    it('says so when there is no session to sign out of', async () => {
      const page = await (await fetch(`${suite.server.url}/logout`)).text();
      assert.match(page, /<h1>You are not signed in<\/h1>/);
      const posted = await new BrowserLike(suite.server.url).postForm('/logout', { csrf_token: 'anything' });
      assert.equal(posted.status, 200);
      assert.match(await posted.text(), /You are not signed in/);
    });

    it('rejects a POST with a wrong token or another session\'s, and keeps the session', async () => {
      const jar = await logIn(suite.server, client, user);
      const other = await logIn(suite.server, client, user);
      const otherToken = csrfTokenIn(await (await other.fetch(`${suite.server.url}/logout`)).text())!;
      // RP-Initiated Logout §2: a POST without the token is a logout request, answered with the confirmation.
      const unconfirmed = await postForm(jar, '/logout', {});
      assert.match(await unconfirmed.text(), /<h1>Sign out of Gatehouse\?<\/h1>/);
      for (const fields of [{ csrf_token: 'wrong' }, { csrf_token: otherToken }] as Array<Record<string, string>>) {
        const response = await postForm(jar, '/logout', fields);
        assert.equal(response.status, 403, JSON.stringify(fields));
        assert.match(await response.text(), /This sign-out form has expired/);
        assert.deepEqual(response.headers.getSetCookie(), []);
      }
      assert.equal(await isLive(jar.cookie('gatehouse_session')!), true);
    });

    it('ends the session, clears the cookie and records the event', async () => {
      const jar = await logIn(suite.server, client, user);
      const cookieValue = jar.cookie('gatehouse_session')!;
      const token = csrfTokenIn(await (await jar.fetch(`${suite.server.url}/logout`)).text())!;
      const response = await postForm(jar, '/logout', { csrf_token: token });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /<h1>You are signed out<\/h1>/);
      const cleared = response.headers.getSetCookie().find((cookie) => cookie.startsWith('gatehouse_session='));
      assert.ok(cleared);
      assert.match(cleared, /^gatehouse_session=;/);
      assert.match(cleared, /Max-Age=0/);
      assert.match(cleared, /Path=\//);
      assert.equal(jar.cookie('gatehouse_session'), undefined);
      assert.equal(await isLive(cookieValue), false, 'ended in the store, so a copied cookie is useless too');
      const replay = await fetch(`${suite.server.url}/logout`, { headers: { cookie: `gatehouse_session=${cookieValue}` } });
      assert.match(await replay.text(), /You are not signed in/);
      const events = await auditEvents(suite.server, 'session.ended');
      assert.ok(events.some((event) => event.userId === user.userId));
    });

    it('answers a second POST of the same form with "not signed in"', async () => {
      const jar = await logIn(suite.server, client, user);
      const cookieValue = jar.cookie('gatehouse_session')!;
      const token = csrfTokenIn(await (await jar.fetch(`${suite.server.url}/logout`)).text())!;
      await postForm(jar, '/logout', { csrf_token: token });
      jar.setCookie('gatehouse_session', cookieValue);
      const again = await postForm(jar, '/logout', { csrf_token: token });
      assert.equal(again.status, 200);
      assert.match(await again.text(), /You are not signed in/);
    });
  });
});
