// Store contract under contention: of 50 concurrent redemptions exactly one wins, in one process and across processes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { aCode, aRefreshToken, NOW, seedClientAndUser, seedFamily } from './fixtures.js';
import { raceProcesses } from './race.js';

const ATTEMPTS = 50;

function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

forEachEngine((engine) => {
  describe('concurrent redemption', () => {
    let database: TestStore;
    // Several stores on one database: separate connections (SQLite) or separate pools (PostgreSQL).
    let stores: Store[];
    before(async () => {
      database = await createTestStore(engine);
      const others = await Promise.all(
        Array.from({ length: engine.name === 'sqlite' ? 4 : 2 }, () => openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir })),
      );
      stores = [database.store, ...others];
    });
    after(async () => {
      await Promise.all(stores.slice(1).map((store) => store.close()));
      await database.cleanup();
    });

    const storeFor = (attempt: number): Store => stores[attempt % stores.length]!;

    it(`redeems a code exactly once among ${ATTEMPTS} concurrent attempts`, async () => {
      const { client, user } = await seedClientAndUser(database.store);
      const code = aCode(client, user);
      await database.store.authorizationCodes.create(code);
      const results = await Promise.all(
        Array.from({ length: ATTEMPTS }, (_, attempt) => storeFor(attempt).authorizationCodes.consume(code.codeHash, NOW)),
      );
      assert.deepEqual(tally(results.map((result) => result.outcome)), { redeemed: 1, replayed: ATTEMPTS - 1 });
    });

    it(`rotates a refresh token exactly once among ${ATTEMPTS} concurrent attempts`, async () => {
      const { family, token } = await seedFamily(database.store);
      const results = await Promise.all(
        Array.from({ length: ATTEMPTS }, (_, attempt) =>
          // Rotation is a two-statement transaction, and better-sqlite3 blocks the thread while it waits for a lock:
          // two connections of one process would wait on each other. SQLite contention is raced by processes below.
          (engine.name === 'sqlite' ? database.store : storeFor(attempt)).refreshTokens.rotate({
            tokenHash: token.tokenHash,
            successor: aRefreshToken(family),
            firstUse: { ip: null, userAgent: null },
            retry: null,
            now: NOW,
          }),
        ),
      );
      assert.deepEqual(tally(results.map((result) => result.outcome)), { redeemed: 1, replayed: ATTEMPTS - 1 });
      const successors = await database.sql(`select count(*) as n from refresh_tokens where family_id = '${family.familyId}'`);
      assert.equal(Number(successors[0]?.n), 2, 'the presented token and exactly one successor');
    });

    it(`redeems a code and rotates a refresh token exactly once each among ${ATTEMPTS} attempts from 5 processes`, async () => {
      const { client, user, token } = await seedFamily(database.store);
      const code = aCode(client, user);
      await database.store.authorizationCodes.create(code);
      const outcomes = await raceProcesses(
        {
          operation: 'redeem',
          databaseUrl: database.databaseUrl,
          dataDir: database.dataDir,
          codeHash: code.codeHash,
          refreshTokenHash: token.tokenHash,
          attempts: ATTEMPTS / 5,
          now: NOW,
        },
        5,
      );
      assert.deepEqual(tally(outcomes), {
        'code:redeemed': 1,
        'code:replayed': ATTEMPTS - 1,
        'refresh:redeemed': 1,
        'refresh:replayed': ATTEMPTS - 1,
      });
    });
  });
});
