// Store contract, audit pruning: only a prefix of old events goes, the pruned head is recorded, and tampering after it still shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SealedStore, Store } from '../../src/store/store.js';
import { breakOf } from '../support/audit-tampering.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { anAuditEvent, NOW } from './fixtures.js';

const ALL = 100;

/** Appends one event per entry of `ages`, that many seconds before NOW, in order. */
async function appendAged(store: SealedStore, ages: readonly number[]): Promise<void> {
  for (const age of ages) await store.audit.append(anAuditEvent({ occurredAt: NOW - age }));
}

async function sequences(store: Store): Promise<number[]> {
  return (await store.audit.list({ limit: ALL })).map((event) => event.sequence).reverse();
}

forEachEngine((engine) => {
  describe('audit pruning', () => {
    const current = useTestStore(engine);

    it('deletes the events older than the cut-off, records the pruned head, and the rest still verifies', async () => {
      const database = current();
      const { store } = database;
      await appendAged(store, [300, 200, 100, 0, 0]);
      const second = (await store.audit.list({ limit: ALL })).find((event) => event.sequence === 2);
      assert.equal(await store.audit.prune(NOW - 100, ALL), 2, 'an event exactly at the cut-off stays');
      assert.deepEqual(await sequences(store), [3, 4, 5]);
      const [head] = await database.sql('select sequence, pruned_sequence, pruned_hash from audit_chain_head');
      assert.deepEqual([Number(head?.sequence), Number(head?.pruned_sequence), head?.pruned_hash], [5, 2, second?.hash]);
      assert.equal((await store.audit.verifyChain()).intact, true);
      assert.equal(await store.audit.prune(NOW - 100, ALL), 0);
    });

    it('prunes at most `limit` events per call', async () => {
      const { store } = current();
      await appendAged(store, [900, 800, 700, 600, 500, 0]);
      assert.deepEqual([await store.audit.prune(NOW, 2), await store.audit.prune(NOW, 2), await store.audit.prune(NOW, 2)], [2, 2, 1]);
      assert.deepEqual(await sequences(store), [6]);
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('stops at the first event not old enough, so only a prefix of the chain ever goes', async () => {
      const { store } = current();
      // Instances' clocks differ: an older timestamp may follow a newer one in the chain.
      await appendAged(store, [500, 0, 500, 0]);
      assert.equal(await store.audit.prune(NOW - 100, ALL), 1);
      assert.deepEqual(await sequences(store), [2, 3, 4]);
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('keeps verifying and appending after everything was pruned', async () => {
      const { store } = current();
      await appendAged(store, [500, 400]);
      assert.equal(await store.audit.prune(NOW, ALL), 2);
      assert.equal((await store.audit.verifyChain()).intact, true);
      const next = await store.audit.append(anAuditEvent());
      assert.equal(next.sequence, 3);
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('still detects a remaining event altered, removed, or cut from the start or the end after a prune', async () => {
      const database = current();
      const { store } = database;
      await appendAged(store, [900, 800, 0, 0, 0, 0, 0]);
      await store.audit.prune(NOW - 100, ALL);
      await database.sql(`update audit_events set details = '{"forged":true}' where sequence = 5`);
      assert.deepEqual(breakOf(await store.audit.verifyChain()), { sequence: 5, position: 3, kind: 'altered' }, 'positions count from the pruned head');
      await database.sql('delete from audit_events where sequence = 5');
      assert.deepEqual(breakOf(await store.audit.verifyChain()), { sequence: 5, position: 3, kind: 'deleted' });
      await database.sql('delete from audit_events where sequence = 7');
      assert.deepEqual(breakOf(await store.audit.verifyChain()), { sequence: 5, position: 3, kind: 'deleted' }, 'the first break is reported');
      await database.sql('delete from audit_events where sequence = 3');
      assert.deepEqual(breakOf(await store.audit.verifyChain()), { sequence: 3, position: 1, kind: 'deleted' }, 'the event right after the pruned head is missing');
    });

    it('moves the pruned head only forward when instances prune at once', async () => {
      const { store } = current();
      await appendAged(store, Array.from({ length: 30 }, () => 500));
      const removed = await Promise.all(Array.from({ length: 30 }, () => store.audit.prune(NOW, 1)));
      assert.equal(removed.reduce((sum, count) => sum + count, 0), 30);
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('detects a pruned head rewritten to a hash the chain does not continue from', async () => {
      const database = current();
      const { store } = database;
      await appendAged(store, [900, 800, 0]);
      await store.audit.prune(NOW - 100, ALL);
      await database.sql(`update audit_chain_head set pruned_hash = '${'f'.repeat(64)}'`);
      assert.deepEqual(breakOf(await store.audit.verifyChain()), { sequence: 3, position: 1, kind: 'unknown' });
    });
  });
});
