// The login_throttle table: atomic failure counts and monotonic locks by key, for login throttling across instances.
import type { LoginThrottleRecord } from '../records.js';
import type { LoginThrottleRepository } from '../store.js';
import type { LoginThrottleTable } from './database.js';
import { prepareQuery, type Param } from './prepared-query.js';
import type { Db } from './transaction.js';

function rowToRecord(row: LoginThrottleTable): LoginThrottleRecord {
  return { throttleKey: row.throttle_key, failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until };
}

// One statement, so concurrent failures on one key each see a distinct count (no read-then-write).
const countFailure = prepareQuery((db, param: Param<{ key: string; now: number; quietBefore: number }>) =>
  db
    .insertInto('login_throttle')
    .values({ throttle_key: param('key'), failures: 1, last_failure_at: param('now'), locked_until: 0 })
    .onConflict((conflict) =>
      conflict.column('throttle_key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when(
            eb.or([eb('login_throttle.last_failure_at', '>', param('quietBefore')), eb('login_throttle.locked_until', '>', param('quietBefore'))]),
          )
          .then(eb('login_throttle.failures', '+', 1))
          .else(1)
          .end(),
        last_failure_at: param('now'),
      })),
    )
    .returningAll(),
);

const lockKey = prepareQuery((db, param: Param<{ key: string; lockedUntil: number }>) =>
  db
    .updateTable('login_throttle')
    .set({ locked_until: param('lockedUntil') })
    .where('throttle_key', '=', param('key'))
    .where('locked_until', '<', param('lockedUntil')),
);

const clearKey = prepareQuery((db, param: Param<{ key: string }>) => db.deleteFrom('login_throttle').where('throttle_key', '=', param('key')));

export class KyselyLoginThrottleRepository implements LoginThrottleRepository {
  constructor(private readonly db: Db) {}

  async recordFailure(key: string, now: number, window: number): Promise<LoginThrottleRecord> {
    const row = await countFailure.executeTakeFirstOrThrow(this.db, { key, now, quietBefore: now - window });
    return rowToRecord(row);
  }

  async lock(key: string, lockedUntil: number): Promise<void> {
    await lockKey.executeWrite(this.db, { key, lockedUntil });
  }

  async findLocked(keys: readonly string[], now: number): Promise<readonly LoginThrottleRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.db
      .selectFrom('login_throttle')
      .selectAll()
      .where('throttle_key', 'in', keys)
      .where('locked_until', '>', now)
      .orderBy('throttle_key')
      .execute();
    return rows.map(rowToRecord);
  }

  async clear(key: string): Promise<void> {
    await clearKey.executeWrite(this.db, { key });
  }

  async deleteStale(before: number, limit: number): Promise<number> {
    const stale = this.db
      .selectFrom('login_throttle')
      .select('throttle_key')
      .where('last_failure_at', '<', before)
      .where('locked_until', '<', before)
      .limit(limit);
    const result = await this.db.deleteFrom('login_throttle').where('throttle_key', 'in', stale).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
