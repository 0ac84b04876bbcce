// Group commit of the audit trail: events emitted together share a transaction, keep their order, and one event the
// database refuses costs only itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditBatcher, MAX_AUDIT_BATCH } from '../../src/observability/audit.js';
import type { AuditEventInput } from '../../src/store/records.js';
import type { AuditRepository } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { anAuditEvent } from '../store/fixtures.js';

/** The store's own audit repository, counting the transactions the batcher asks of it. */
function countingAudit(audit: AuditRepository): { readonly audit: Pick<AuditRepository, 'appendMany'>; readonly batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    audit: {
      appendMany: (events: readonly AuditEventInput[]) => {
        batches.push(events.length);
        return audit.appendMany(events);
      },
    },
  };
}

forEachEngine((engine) => {
  describe(`audit group commit (${engine.name})`, () => {
    const current = useTestStore(engine);

    it('writes the events of one turn of the event loop in as few transactions as the batch size allows, in order', async () => {
      const { store } = current();
      const counting = countingAudit(store.audit);
      const batcher = new AuditBatcher(counting.audit);
      const count = MAX_AUDIT_BATCH + 44;
      await Promise.all(Array.from({ length: count }, (_, index) => batcher.append(anAuditEvent({ type: `event.${index}` }))));
      assert.deepEqual(counting.batches, [MAX_AUDIT_BATCH, 44]);
      const listed = await store.audit.list({ limit: count });
      assert.deepEqual(listed.map((event) => event.type).reverse(), Array.from({ length: count }, (_, index) => `event.${index}`));
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('queues events emitted while a batch is written for the next one', async () => {
      const { store } = current();
      const counting = countingAudit(store.audit);
      const batcher = new AuditBatcher(counting.audit);
      const first = batcher.append(anAuditEvent({ type: 'first' }));
      // After the first batch has been taken: these wait for it, then go together.
      await new Promise((resolve) => setImmediate(resolve));
      const later = [batcher.append(anAuditEvent({ type: 'second' })), batcher.append(anAuditEvent({ type: 'third' }))];
      await Promise.all([first, ...later]);
      assert.deepEqual(counting.batches, [1, 2]);
      assert.deepEqual((await store.audit.list({ limit: 5 })).map((event) => event.type), ['third', 'second', 'first']);
    });

    it('refuses only the event the database refuses: the rest of its batch is appended', async () => {
      const { store } = current();
      const batcher = new AuditBatcher(store.audit);
      const refused = anAuditEvent({ type: null as unknown as string });
      const results = await Promise.allSettled([batcher.append(anAuditEvent({ type: 'before' })), batcher.append(refused), batcher.append(anAuditEvent({ type: 'after' }))]);
      assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.deepEqual((await store.audit.list({ limit: 5 })).map((event) => event.type), ['after', 'before']);
      assert.equal((await store.audit.verifyChain()).intact, true);
    });
  });
});
