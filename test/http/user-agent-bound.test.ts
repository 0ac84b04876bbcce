// SECURITY.md (logs and audit): a User-Agent is cut to 512 bytes where it enters, so audit rows and refresh tokens stay small.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_USER_AGENT_BYTES, truncateUserAgent } from '../../src/http/event-context.js';
import { forEachEngine } from '../support/database.js';
import { auditEvents, postToken, startGrant } from '../support/flow-fixtures.js';
import { beginInteraction, postLogin, seedClient } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const LONG_USER_AGENT = `Mozilla/5.0 ${'x'.repeat(10 * 1024)}`;

describe('truncateUserAgent', () => {
  it('keeps a short value as it is and cuts a long one to exactly 512 bytes', () => {
    assert.equal(truncateUserAgent('curl/8.5.0'), 'curl/8.5.0');
    assert.equal(Buffer.byteLength(truncateUserAgent(LONG_USER_AGENT)), MAX_USER_AGENT_BYTES);
    assert.ok(LONG_USER_AGENT.startsWith(truncateUserAgent(LONG_USER_AGENT)));
  });

  it('never splits a character: a multi-byte one that does not fit is left out whole', () => {
    // 511 ASCII bytes, then a 2-byte, a 3-byte and a 4-byte (surrogate pair) character.
    const value = `${'a'.repeat(511)}é€😀`;
    assert.equal(truncateUserAgent(value), 'a'.repeat(511));
    const emoji = '😀'.repeat(200);
    const cut = truncateUserAgent(emoji);
    assert.equal(cut, '😀'.repeat(128));
    assert.equal(Buffer.byteLength(cut), 512);
  });
});

forEachEngine((engine) => {
  describe('user agents stored from requests', () => {
    const suite = useTestServer(engine);

    it('stores a 10 KiB User-Agent of a failed login at 512 bytes in the audit trail', async () => {
      const { server, database } = suite;
      const flow = await beginInteraction(server, await seedClient(database.store));
      const response = await postLogin(flow, { username: 'nobody', password: 'wrong' }, { 'user-agent': LONG_USER_AGENT });
      assert.equal(response.status, 200);
      const [event] = await auditEvents(server, 'login.failed');
      assert.equal(Buffer.byteLength(event?.userAgent ?? ''), MAX_USER_AGENT_BYTES);
      assert.ok(LONG_USER_AGENT.startsWith(event?.userAgent ?? '-'));
    });

    it('stores a 10 KiB User-Agent of a refresh at 512 bytes on the rotated token and in the audit trail', async () => {
      const { server, database } = suite;
      const { as, tokens } = await startGrant(server);
      const response = await postToken(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }, { as, headers: { 'user-agent': LONG_USER_AGENT } });
      assert.equal(response.status, 200);
      const rows = await database.sql('select first_use_user_agent from refresh_tokens where first_use_user_agent is not null');
      assert.equal(rows.length, 1);
      assert.equal(Buffer.byteLength(String(rows[0]?.first_use_user_agent)), MAX_USER_AGENT_BYTES);
      const [event] = await auditEvents(server, 'refresh_token.rotated');
      assert.equal(Buffer.byteLength(event?.userAgent ?? ''), MAX_USER_AGENT_BYTES);
    });
  });
});
