// Store contract, login throttle: atomic counting, the quiet-window restart, monotonic locks, clearing, cleanup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { NOW, uniqueId } from './fixtures.js';

const WINDOW = 900;

forEachEngine((engine) => {
  describe('login throttle', () => {
    const current = useTestStore(engine);
    const throttle = () => current().store.loginThrottle;

    it('counts failures per key, starting at one', async () => {
      const key = uniqueId('account');
      assert.deepEqual(await throttle().recordFailure(key, NOW, WINDOW), { throttleKey: key, failures: 1, lastFailureAt: NOW, lockedUntil: 0 });
      assert.equal((await throttle().recordFailure(key, NOW + 10, WINDOW)).failures, 2);
      assert.equal((await throttle().recordFailure(uniqueId('ip'), NOW + 10, WINDOW)).failures, 1, 'keys are independent');
      const third = await throttle().recordFailure(key, NOW + 20, WINDOW);
      assert.deepEqual(third, { throttleKey: key, failures: 3, lastFailureAt: NOW + 20, lockedUntil: 0 });
    });

    it('restarts the count once the key has been quiet for the window', async () => {
      const key = uniqueId('account');
      await throttle().recordFailure(key, NOW, WINDOW);
      assert.equal((await throttle().recordFailure(key, NOW + WINDOW - 1, WINDOW)).failures, 2, 'within the window of the last failure');
      assert.equal((await throttle().recordFailure(key, NOW + 2 * WINDOW - 1, WINDOW)).failures, 1, 'quiet for the whole window');
    });

    it('keeps counting while a lock is recent, even when the last failure is older than the window', async () => {
      const key = uniqueId('account');
      await throttle().recordFailure(key, NOW, WINDOW);
      await throttle().lock(key, NOW + 2000);
      assert.equal((await throttle().recordFailure(key, NOW + 2500, WINDOW)).failures, 2);
    });

    it('counts every one of many concurrent failures exactly once', async () => {
      const key = uniqueId('account');
      const results = await Promise.all(Array.from({ length: 25 }, () => throttle().recordFailure(key, NOW, WINDOW)));
      assert.deepEqual(results.map((record) => record.failures).sort((a, b) => a - b), Array.from({ length: 25 }, (_, index) => index + 1));
    });

    it('finds only locked keys, and a lock never shortens', async () => {
      const [a, b, c] = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
      for (const key of [a, b, c]) await throttle().recordFailure(key, NOW, WINDOW);
      await throttle().lock(a, NOW + 120);
      await throttle().lock(a, NOW + 60);
      await throttle().lock(b, NOW + 10);
      await throttle().lock(uniqueId('unknown'), NOW + 60);
      const locked = await throttle().findLocked([a, b, c, 'no-such-key'], NOW + 5);
      assert.deepEqual(locked.map((record) => [record.throttleKey, record.lockedUntil]), [[a, NOW + 120], [b, NOW + 10]].sort());
      assert.deepEqual((await throttle().findLocked([a, b], NOW + 10)).map((record) => record.throttleKey), [a], 'unlocked at lockedUntil');
      assert.deepEqual(await throttle().findLocked([], NOW), []);
    });

    it('forgets a cleared key', async () => {
      const key = uniqueId('account');
      await throttle().recordFailure(key, NOW, WINDOW);
      await throttle().lock(key, NOW + 60);
      await throttle().clear(key);
      assert.deepEqual(await throttle().findLocked([key], NOW), []);
      assert.equal((await throttle().recordFailure(key, NOW + 1, WINDOW)).failures, 1);
    });

    it('deletes keys whose last failure and lock both ended before the cut-off', async () => {
      const [old, lockedLong, recent] = [uniqueId('old'), uniqueId('locked'), uniqueId('recent')];
      await throttle().recordFailure(old, NOW, WINDOW);
      await throttle().recordFailure(lockedLong, NOW, WINDOW);
      await throttle().lock(lockedLong, NOW + 5000);
      await throttle().recordFailure(recent, NOW + 2000, WINDOW);
      assert.equal(await throttle().deleteStale(NOW + 1000, 10), 1);
      assert.equal((await throttle().recordFailure(old, NOW + 1001, WINDOW * 10)).failures, 1, 'the old key was deleted');
      assert.equal((await throttle().recordFailure(lockedLong, NOW + 1001, WINDOW)).failures, 2, 'a key still locked is kept');
    });
  });
});
