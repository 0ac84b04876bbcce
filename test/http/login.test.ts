// Login: success starts a fresh session and resumes the request; every failure looks the same; passwords are rehashed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { hash } from '@node-rs/argon2';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { needsRehash } from '../../src/users/password.js';
import { createTestStore, forEachEngine } from '../support/database.js';
import { startTestServer, useTestServer } from '../support/server.js';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { alertText, beginInteraction, INVALID, PASSWORD, postLogin, REDIRECT_URI, seedClient, seedUser, withoutNonces } from '../support/login.js';
import { auditEvents } from '../support/flow-fixtures.js';

forEachEngine((engine) => {
  describe(`login (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_SESSIONS_IDLE_TTL: '60', GATEHOUSE_SESSIONS_ABSOLUTE_TTL: '120' });
    let client: ClientRecord;
    let user: UserRecord;
    before(async () => {
      client = await seedClient(suite.server.store);
      user = await seedUser(suite.server.store);
    });

    it('starts a session and sends the browser on to resume the authorization request', async () => {
      const flow = await beginInteraction(suite.server, client);
      const before = Math.floor(Date.now() / 1000);
      const response = await postLogin(flow, { username: user.username, password: PASSWORD }, { 'user-agent': 'login-test/1' });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), `${suite.server.config.issuer}/authorize/resume?interaction=${encodeURIComponent(flow.interactionId)}`);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const cookieValue = flow.browser.cookie('gatehouse_session');
      assert.ok(cookieValue && Buffer.from(cookieValue, 'base64url').length >= 32, 'a cookie value of at least 256 bits');
      const session = await suite.server.store.sessions.findLive(hashOpaqueValue(cookieValue), before);
      assert.ok(session, 'the store knows the session by the hash of the cookie value');
      assert.equal(session.userId, user.userId);
      assert.ok(session.authTime >= before && session.authTime <= before + 5);
      assert.equal(session.idleExpiresAt, session.authTime + 60);
      assert.equal(session.absoluteExpiresAt, session.authTime + 120);
      assert.notEqual(session.sessionId, cookieValue);
      const [event] = await auditEvents(suite.server, 'login.succeeded');
      assert.equal(event?.userId, user.userId);
      assert.equal(event?.clientId, client.clientId);
      assert.equal(event?.ip, '127.0.0.1');
      assert.equal(event?.userAgent, 'login-test/1');
    });

    it('carries on to the client once logged in: a first-party client gets its code', async () => {
      const firstParty = await seedClient(suite.server.store, { firstParty: true });
      const flow = await beginInteraction(suite.server, firstParty);
      const resumed = await flow.browser.follow(await postLogin(flow, { username: user.username, password: PASSWORD }));
      assert.equal(resumed.status, 303);
      const location = new URL(resumed.headers.get('location') ?? '');
      assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
      assert.ok(location.searchParams.get('code'));
      assert.equal(location.searchParams.get('iss'), suite.server.config.issuer);
    });

    it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, not Secure on an http issuer', async () => {
      const flow = await beginInteraction(suite.server, client);
      const response = await postLogin(flow, { username: user.username, password: PASSWORD });
      const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('gatehouse_session='));
      assert.ok(header, response.headers.getSetCookie().join('\n'));
      const attributes = header.split('; ').slice(1);
      assert.deepEqual(attributes.sort(), ['HttpOnly', 'Max-Age=120', 'Path=/', 'SameSite=Lax']);
    });

    it('gives a new session at every login and ends the one the browser had (no fixation)', async () => {
      const flow = await beginInteraction(suite.server, client);
      await postLogin(flow, { username: user.username, password: PASSWORD });
      const first = flow.browser.cookie('gatehouse_session')!;
      const again = await beginInteraction(suite.server, client, { prompt: 'login' }, flow.browser);
      await postLogin(again, { username: user.username, password: PASSWORD });
      const second = flow.browser.cookie('gatehouse_session')!;
      assert.notEqual(second, first);
      const now = Math.floor(Date.now() / 1000);
      assert.equal(await suite.server.store.sessions.findLive(hashOpaqueValue(first), now), undefined, 'the old cookie no longer works');
      assert.ok(await suite.server.store.sessions.findLive(hashOpaqueValue(second), now));
      const oldCookie = await fetch(`${suite.server.url}/logout`, { headers: { cookie: `gatehouse_session=${first}` } });
      assert.match(await oldCookie.text(), /You are not signed in/);
    });

    it('never takes a session value planted in the browser before login', async () => {
      const flow = await beginInteraction(suite.server, client);
      flow.browser.setCookie('gatehouse_session', 'planted-by-an-attacker-0123456789abcdefghijk');
      await postLogin(flow, { username: user.username, password: PASSWORD });
      assert.notEqual(flow.browser.cookie('gatehouse_session'), 'planted-by-an-attacker-0123456789abcdefghijk');
    });

    it('never writes a password, CSRF token, interaction id or session cookie to the log or the audit trail', async () => {
      const failed = await beginInteraction(suite.server, client);
      await postLogin(failed, { username: user.username, password: 'a wrong password value' });
      const flow = await beginInteraction(suite.server, client);
      await postLogin(flow, { username: user.username, password: PASSWORD });
      const audit = JSON.stringify(await auditEvents(suite.server, 'login.succeeded'));
      const secrets = [PASSWORD, 'a wrong password value', flow.csrfToken, flow.interactionId, flow.browser.cookie('gatehouse_session')!];
      for (const secret of secrets) {
        assert.ok(!suite.server.logs().includes(secret), 'not in the log');
        assert.ok(!audit.includes(secret), 'not in the audit trail');
      }
    });

    it('shows the same generic message for a wrong password, an unknown user and a disabled user', async () => {
      const disabled = await seedUser(suite.server.store);
      await suite.server.store.users.disable(disabled.userId, Math.floor(Date.now() / 1000));
      const attempts = [
        { username: user.username, password: 'wrong password' },
        { username: 'nobody-by-this-name', password: PASSWORD },
        { username: disabled.username, password: PASSWORD },
      ];
      const pages: string[] = [];
      for (const attempt of attempts) {
        const flow = await beginInteraction(suite.server, client);
        const response = await postLogin(flow, attempt);
        assert.equal(response.status, 200);
        assert.equal(flow.browser.cookie('gatehouse_session'), undefined, 'no session');
        const page = await response.text();
        assert.equal(alertText(page), INVALID);
        assert.ok(!page.includes(attempt.password), 'the password is never echoed');
        // Identical apart from the per-response values (nonce, interaction, token, the username typed).
        pages.push(withoutNonces(page).replaceAll(flow.interactionId, 'ID').replaceAll(flow.csrfToken, 'CSRF').replaceAll(attempt.username, 'USER'));
      }
      assert.equal(pages[1], pages[0]);
      assert.equal(pages[2], pages[0]);
      const failed = await auditEvents(suite.server, 'login.failed', 3);
      assert.ok(failed.some((event) => event.userId === null), 'an unknown user is recorded without a user id');
    });

    it('keeps the username typed after a failure, escaped, and moves focus to the password', async () => {
      const flow = await beginInteraction(suite.server, client);
      const page = await (await postLogin(flow, { username: '<b>me</b>', password: 'x' })).text();
      assert.ok(page.includes('value="&lt;b&gt;me&lt;/b&gt;" autocomplete="username"'));
      assert.match(page, /aria-describedby="login-notice" aria-invalid="true" autofocus>/);
    });

    it('rehashes a password stored under weaker parameters at login', async () => {
      const weak = await hash(PASSWORD, { algorithm: 2, memoryCost: 8192, timeCost: 1, parallelism: 1 });
      const old = await seedUser(suite.server.store, { passwordHash: weak });
      assert.ok(needsRehash(weak));
      const response = await postLogin(await beginInteraction(suite.server, client), { username: old.username, password: PASSWORD });
      assert.equal(response.status, 303);
      const stored = await suite.server.store.users.findById(old.userId);
      assert.notEqual(stored?.passwordHash, weak);
      assert.equal(needsRehash(stored!.passwordHash), false);
    });
  });
});

describe('login behind TLS (https issuer, plain http listener)', () => {
  it('names the cookie __Host- and marks it Secure', async (t) => {
    const database = await createTestStore({ name: 'sqlite' });
    const server = await startTestServer(database, { GATEHOUSE_ISSUER: 'https://login.example' });
    t.after(async () => {
      await server.close();
      await database.cleanup();
    });
    const client = await seedClient(server.store);
    const user = await seedUser(server.store);
    const flow = await beginInteraction(server, client);
    const response = await postLogin(flow, { username: user.username, password: PASSWORD });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location')?.startsWith('https://login.example/authorize/resume?'), true);
    const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-gatehouse_session='));
    assert.ok(header, response.headers.getSetCookie().join('\n'));
    assert.deepEqual(header.split('; ').slice(1).sort(), ['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Lax', 'Secure']);
    assert.ok(!/domain=/i.test(header), '__Host- cookies carry no Domain');
  });
});
