// Store contract, audit trail: the hash chain, listing, serialised concurrent appends and tamper detection.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../src/store/kysely/audit-chain.js';
import { breakOf } from '../support/audit-tampering.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { anAuditEvent, NOW } from './fixtures.js';

const GENESIS = '0'.repeat(64);

forEachEngine((engine) => {
  describe('audit trail', () => {
    const current = useTestStore(engine);

    it('chains each event to the previous one with sha256(previousHash + canonical JSON)', async () => {
      const { store } = current();
      const input = anAuditEvent();
      const first = await store.audit.append(input);
      const second = await store.audit.append(anAuditEvent({ type: 'token.issued', details: {} }));
      assert.deepEqual(first, { ...input, sequence: 1, previousHash: GENESIS, hash: first.hash });
      const content = canonicalJson({ ...input, sequence: 1 });
      assert.equal(first.hash, createHash('sha256').update(GENESIS + content).digest('hex'));
      assert.equal(second.sequence, 2);
      assert.equal(second.previousHash, first.hash);
      assert.deepEqual(await store.audit.verifyChain(), { intact: true, checked: 2, head: { sequence: 2, hash: second.hash }, sealed: true });
    });

    it('appends a batch in order in one call, chained exactly as one append after another would be', async () => {
      const { store } = current();
      const first = await store.audit.append(anAuditEvent({ type: 'first' }));
      const batch = Array.from({ length: 150 }, (_, index) => anAuditEvent({ type: `batch.${index}`, details: { index } }));
      const appended = await store.audit.appendMany(batch);
      assert.deepEqual(appended.map((event) => event.sequence), batch.map((_, index) => index + 2));
      assert.equal(appended[0]?.previousHash, first.hash);
      for (const [index, event] of appended.entries()) assert.equal(event.previousHash, index === 0 ? first.hash : appended[index - 1]?.hash);
      assert.deepEqual(await store.audit.appendMany([]), []);
      const verification = await store.audit.verifyChain();
      assert.deepEqual(verification, { intact: true, checked: 151, head: { sequence: 151, hash: appended.at(-1)?.hash }, sealed: true });
    });

    it('appends nothing of a batch the database refuses a row of', async () => {
      const { store } = current();
      const refused = anAuditEvent({ type: null as unknown as string });
      await assert.rejects(store.audit.appendMany([anAuditEvent(), refused]));
      assert.deepEqual(await store.audit.list({ limit: 10 }), []);
      assert.equal((await store.audit.append(anAuditEvent())).sequence, 1);
    });

    it('hashes canonical JSON: key order does not matter, content does', () => {
      assert.equal(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}');
      assert.equal(canonicalJson({ a: undefined, b: 'x' }), '{"b":"x"}');
    });

    it('stores details as JSON and reads them back equal', async () => {
      const { store } = current();
      const details = { ip: '2001:db8::1', list: [1, 'two', { three: true }], quote: 'it\'s "fine" ☕', nothing: null };
      await store.audit.append(anAuditEvent({ details }));
      const [event] = await store.audit.list({ limit: 1 });
      assert.deepEqual(event?.details, details);
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('lists most recent first, with a limit and an optional type filter', async () => {
      const { store } = current();
      for (const type of ['a', 'b', 'a', 'c', 'a']) await store.audit.append(anAuditEvent({ type }));
      assert.deepEqual((await store.audit.list({ limit: 3 })).map((event) => event.sequence), [5, 4, 3]);
      assert.deepEqual((await store.audit.list({ limit: 10, type: 'a' })).map((event) => event.sequence), [5, 3, 1]);
      assert.deepEqual(await store.audit.list({ limit: 10, type: 'none' }), []);
    });

    it('verifies an empty trail, whose head no append has sealed yet', async () => {
      assert.deepEqual(await current().store.audit.verifyChain(), { intact: true, checked: 0, head: { sequence: 0, hash: GENESIS }, sealed: false });
    });

    it('serialises concurrent appends into one unforked chain', async () => {
      const { store } = current();
      const events = await Promise.all(Array.from({ length: 40 }, (_, index) => store.audit.append(anAuditEvent({ occurredAt: NOW + index }))));
      assert.deepEqual(events.map((event) => event.sequence).sort((a, b) => a - b), Array.from({ length: 40 }, (_, index) => index + 1));
      assert.equal((await store.audit.verifyChain()).intact, true);
    });

    it('detects an event altered directly in the database', async () => {
      const database = current();
      for (let index = 0; index < 5; index += 1) await database.store.audit.append(anAuditEvent());
      await database.sql(`update audit_events set details = '{"method":"forged"}' where sequence = 3`);
      assert.deepEqual(await database.store.audit.verifyChain(), { intact: false, checked: 2, firstBreak: { sequence: 3, position: 3, kind: 'altered' } });
    });

    it('detects a rewritten hash, a removed event and events cut from the end', async () => {
      const database = current();
      for (let index = 0; index < 6; index += 1) await database.store.audit.append(anAuditEvent());
      await database.sql(`update audit_events set user_id = 'mallory', hash = 'f00d' where sequence = 6`);
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 6, position: 6, kind: 'altered' });
      await database.sql('delete from audit_events where sequence = 6');
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 6, position: 6, kind: 'deleted' }, 'the head still remembers sequence 6');
      await database.sql('delete from audit_events where sequence = 2');
      assert.deepEqual(breakOf(await database.store.audit.verifyChain()), { sequence: 2, position: 2, kind: 'deleted' });
    });
  });
});
