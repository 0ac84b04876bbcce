// Sessions after login: idle expiry, absolute expiry, and the sliding idle expiry capped by the absolute one.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findLiveSession } from '../../src/sessions/sessions.js';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import type { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import { logIn, seedClient, seedUser } from '../support/login.js';

const IDLE_TTL = 60;
const ABSOLUTE_TTL = 300;

forEachEngine((engine) => {
  describe(`sessions after login (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_SESSIONS_IDLE_TTL: String(IDLE_TTL), GATEHOUSE_SESSIONS_ABSOLUTE_TTL: String(ABSOLUTE_TTL) });
    let client: ClientRecord;
    let user: UserRecord;
    before(async () => {
      client = await seedClient(suite.server.store);
      user = await seedUser(suite.server.store);
    });

    const now = (): number => Math.floor(Date.now() / 1000);
    const hashOf = (jar: BrowserLike): string => hashOpaqueValue(jar.cookie('gatehouse_session')!);
    /** Moves a session's times as if it had been created `ago` seconds ago and used since as given. */
    const rewrite = (jar: BrowserLike, columns: Record<string, number>) =>
      suite.database.sql(`update sessions set ${Object.entries(columns).map(([name, value]) => `${name} = ${value}`).join(', ')} where session_hash = '${hashOf(jar)}'`);
    const signedIn = async (jar: BrowserLike): Promise<boolean> => {
      const page = await (await jar.fetch(`${suite.server.url}/logout`)).text();
      return page.includes('Sign out of Gatehouse?');
    };

    it('ends a session left idle past its idle expiry', async () => {
      const jar = await logIn(suite.server, client, user);
      assert.equal(await signedIn(jar), true);
      await rewrite(jar, { last_seen_at: now() - IDLE_TTL - 5, idle_expires_at: now() - 5 });
      assert.equal(await signedIn(jar), false);
    });

    it('ends a session at its absolute expiry, however recently used', async () => {
      const jar = await logIn(suite.server, client, user);
      await rewrite(jar, { created_at: now() - ABSOLUTE_TTL, auth_time: now() - ABSOLUTE_TTL, idle_expires_at: now() + IDLE_TTL, absolute_expires_at: now() - 1 });
      assert.equal(await signedIn(jar), false);
    });

    it('slides the idle expiry forward when the session is used', async () => {
      const jar = await logIn(suite.server, client, user);
      await rewrite(jar, { last_seen_at: now() - 100, idle_expires_at: now() + 10 });
      assert.equal(await signedIn(jar), true);
      const session = await suite.server.store.sessions.findLive(hashOf(jar), now());
      assert.ok(session);
      assert.ok(session.idleExpiresAt >= now() + IDLE_TTL - 2, `slid to ${session.idleExpiresAt}`);
      assert.ok(session.lastSeenAt >= now() - 2);
    });

    it('never slides the idle expiry past the absolute expiry', async () => {
      const jar = await logIn(suite.server, client, user);
      const absolute = now() + 20;
      await rewrite(jar, { last_seen_at: now() - 100, idle_expires_at: now() + 10, absolute_expires_at: absolute });
      assert.equal(await signedIn(jar), true);
      assert.equal((await suite.server.store.sessions.findLive(hashOf(jar), now()))?.idleExpiresAt, absolute);
    });

    it('finds the live session from the cookies for the authorization endpoint, and nothing for a bad cookie', async () => {
      const jar = await logIn(suite.server, client, user);
      const deps = { store: suite.server.store, config: suite.server.config };
      const session = await findLiveSession(deps, { gatehouse_session: jar.cookie('gatehouse_session') }, now());
      assert.equal(session?.userId, user.userId);
      assert.equal(await findLiveSession(deps, {}, now()), undefined);
      assert.equal(await findLiveSession(deps, { gatehouse_session: 'forged' }, now()), undefined);
      assert.equal(await findLiveSession(deps, { gatehouse_session: '' }, now()), undefined);
    });
  });
});
