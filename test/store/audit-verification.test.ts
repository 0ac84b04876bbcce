// Store contract, audit verification: each kind of tampering is reported at its record and position, and named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEventRecord } from '../../src/store/records.js';
import { breakOf, insertForgedEvent, makeRoomAt, sealAs } from '../support/audit-tampering.js';
import { forEachEngine, useTestStore, type TestStore } from '../support/database.js';
import { anAuditEvent } from './fixtures.js';

/** Appends `count` events and returns them oldest first. */
async function appendEvents(database: TestStore, count: number): Promise<AuditEventRecord[]> {
  const events: AuditEventRecord[] = [];
  for (let index = 0; index < count; index += 1) events.push(await database.store.audit.append(anAuditEvent()));
  return events;
}

forEachEngine((engine) => {
  describe('audit verification', () => {
    const current = useTestStore(engine);

    it('names an event whose type or time was changed in place as altered', async () => {
      const database = current();
      await appendEvents(database, 5);
      await database.sql(`update audit_events set type = 'user.enabled' where sequence = 4`);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: false, checked: 3, firstBreak: { sequence: 4, position: 4, kind: 'altered' } });
      await database.sql(`update audit_events set occurred_at = occurred_at - 60 where sequence = 2`);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 2, position: 2, kind: 'altered' });
    });

    it('names an event rewritten with a recomputed hash as altered, in the middle and at the end', async () => {
      const database = current();
      const events = await appendEvents(database, 4);
      const forgedHash = (sequence: number) => sealAs(events[sequence - 2]!.hash, sequence);
      await database.sql(`update audit_events set type = 'user.created', user_id = 'forged-user', details = '{"actor":"cli:mallory"}', request_id = null,
        client_id = null, ip = null, user_agent = null, hash = '${forgedHash(4)}' where sequence = 4`);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 4, position: 4, kind: 'altered' }, 'the head remembers the last hash');
      await database.sql(`update audit_events set type = 'user.created', user_id = 'forged-user', details = '{"actor":"cli:mallory"}', request_id = null,
        client_id = null, ip = null, user_agent = null, hash = '${forgedHash(2)}' where sequence = 2`);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 2, position: 2, kind: 'altered' }, 'the next event no longer links to it');
    });

    it('names a forged event past the head as inserted, whether or not it was sealed', async () => {
      const database = current();
      const events = await appendEvents(database, 3);
      await insertForgedEvent(database, 4, events[2]!.hash);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: false, checked: 3, firstBreak: { sequence: 4, position: 4, kind: 'inserted' } });
      await database.sql(`update audit_events set hash = 'f00d' where sequence = 4`);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 4, position: 4, kind: 'inserted' });
    });

    it('names a forged event slipped into the middle of the chain as inserted', async () => {
      const database = current();
      const events = await appendEvents(database, 5);
      await makeRoomAt(database, 3);
      await insertForgedEvent(database, 3, events[1]!.hash);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 3, position: 3, kind: 'inserted' });
    });

    it('names the first event missing as deleted', async () => {
      const database = current();
      await appendEvents(database, 3);
      await database.sql('delete from audit_events where sequence = 1');
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: false, checked: 0, firstBreak: { sequence: 1, position: 1, kind: 'deleted' } });
    });

    it('cannot tell what happened when an unsealed head no longer matches a chain pruned to nothing', async () => {
      const database = current();
      await appendEvents(database, 2);
      await database.store.audit.prune(Number.MAX_SAFE_INTEGER, 10);
      // Unsealed, as a database written before sealing: the chain alone judges the head.
      await database.sql(`update audit_chain_head set hash = '${'e'.repeat(64)}', seal = null`);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: false, checked: 0, firstBreak: { sequence: 2, position: 1, kind: 'unknown' } });
    });

    it('names a sealed head changed behind its back as forged, even when the chain cannot tell', async () => {
      const database = current();
      await appendEvents(database, 2);
      await database.store.audit.prune(Number.MAX_SAFE_INTEGER, 10);
      await database.sql(`update audit_chain_head set hash = '${'e'.repeat(64)}'`);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: false, checked: 0, firstBreak: { sequence: 2, position: 0, kind: 'head_forged' } });
    });

    it('cannot tell what happened when an event links to nothing the chain holds', async () => {
      const database = current();
      await appendEvents(database, 3);
      await database.sql(`update audit_events set previous_hash = '${'e'.repeat(64)}' where sequence = 1`);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 1, position: 1, kind: 'unknown' });
    });
  });
});
