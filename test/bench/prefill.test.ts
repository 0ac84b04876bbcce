// The bench's prefill writes rows the store reads as its own: the server it fills must work on them unchanged, and
// the sweep and the ranking must walk them, on both engines.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { prefillPostgres, prefillSqlite } from '../../bench/prefill.js';
import { openStore } from '../../src/store/open.js';
import { aClient, aCode, aUser, NOW } from '../store/fixtures.js';
import { createTestDatabase, forEachEngine } from '../support/database.js';

const ROWS = 50;

forEachEngine((engine) => {
  describe('bench prefill', () => {
    it('writes a large deployment\'s rows for the first client, which the store reads, sweeps and ranks', async () => {
      const database = await createTestDatabase(engine);
      try {
        const client = aClient({ clientId: 'a-bench-client' });
        let store = await openStore(database);
        await store.clients.create(client);
        await store.close();
        if (engine.name === 'sqlite') prefillSqlite(join(database.dataDir, 'gatehouse.db'), ROWS, NOW);
        else await prefillPostgres(database.databaseUrl, ROWS, NOW);
        const counts = await Promise.all(['users', 'sessions', 'token_families', 'refresh_tokens', 'authorization_codes'].map(async (table) =>
          Number((await database.sql(`select count(*) as n from ${table}`))[0]?.n)));
        assert.deepEqual(counts, [ROWS / 10, ROWS / 10, ROWS / 5, ROWS, ROWS]);

        store = await openStore(database);
        const user = aUser();
        await store.users.create(user);
        await store.authorizationCodes.create(aCode(client, user));
        assert.ok(await store.users.findByUsername('prefill-1'));
        assert.deepEqual(await store.clients.rankByActivity(NOW - 86_400, 10, 1000), ['a-bench-client']);
        // Nothing prefilled has expired: the sweep walks it all and keeps it.
        const wholeTable = { after: null, rows: ROWS * 2 };
        assert.deepEqual((await store.sessions.deleteExpired(NOW, wholeTable)).removed, []);
        assert.equal((await store.refreshTokens.deleteExpired(NOW, wholeTable)).removed, 0);
        assert.equal((await store.refreshTokens.deleteExpiredFamilies(NOW - 600, wholeTable)).removed, 0);
        await store.close();
      } finally {
        await database.cleanup();
      }
    });
  });
});
