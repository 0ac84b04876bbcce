// Tests for the password-hashing cap: at most N at once, first come first served, a bounded wait, slots never leak.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HashingBusy, HashingSlots } from './hashing-slots.js';

/** A hash the test finishes by hand, and whether it has started. */
function heldHash(): { run: () => Promise<string>; finish: (value: string) => void; started: () => boolean } {
  let finish!: (value: string) => void;
  const result = new Promise<string>((resolve) => (finish = resolve));
  let started = false;
  return { run: () => ((started = true), result), finish, started: () => started };
}

/** Lets every already-settled promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const isBusy = (retryAfter: number) => (error: unknown) => error instanceof HashingBusy && error.retryAfter === retryAfter;

describe('hashing slots', () => {
  it('runs up to the cap at once and, with no wait allowed, turns the next away without running it', async () => {
    const slots = new HashingSlots(2, 0);
    const [a, b, c] = [heldHash(), heldHash(), heldHash()];
    const first = slots.run(a.run);
    const second = slots.run(b.run);
    await assert.rejects(slots.run(c.run), isBusy(1));
    assert.deepEqual([a.started(), b.started(), c.started()], [true, true, false]);
    a.finish('a');
    assert.equal(await first, 'a');
    assert.equal(await slots.run(() => Promise.resolve('d')), 'd', 'a finished hash frees its slot');
    b.finish('b');
    assert.equal(await second, 'b');
  });

  it('hands a freed slot to the waiters in arrival order', async () => {
    const slots = new HashingSlots(1, 60_000);
    const [a, b, c] = [heldHash(), heldHash(), heldHash()];
    const runs = [slots.run(a.run), slots.run(b.run), slots.run(c.run)];
    await settle();
    assert.deepEqual([a.started(), b.started(), c.started()], [true, false, false]);
    a.finish('a');
    await settle();
    assert.deepEqual([b.started(), c.started()], [true, false], 'one slot: the second runs, the third still waits');
    b.finish('b');
    await settle();
    assert.equal(c.started(), true);
    c.finish('c');
    assert.deepEqual(await Promise.all(runs), ['a', 'b', 'c']);
  });

  it('turns a waiter away once the queue timeout passes, and forgets it so no slot leaks', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const slots = new HashingSlots(1, 2000);
    const held = heldHash();
    const running = slots.run(held.run);
    const waiter = heldHash();
    let outcome: unknown;
    const waiting = slots.run(waiter.run).catch((error: unknown) => (outcome = error));
    t.mock.timers.tick(1999);
    await settle();
    assert.equal(outcome, undefined, 'still waiting just before the timeout');
    t.mock.timers.tick(1);
    await waiting;
    assert.ok(isBusy(2)(outcome), 'Retry-After is the wait, in whole seconds');
    assert.equal(waiter.started(), false);
    held.finish('held');
    await running;
    const next = heldHash();
    const nextRun = slots.run(next.run);
    await settle();
    assert.equal(next.started(), true, 'the slot went back to the pool, not to the waiter that left');
    next.finish('next');
    assert.equal(await nextRun, 'next');
  });

  it('frees the slot when the hashing throws', async () => {
    const slots = new HashingSlots(1, 0);
    await assert.rejects(slots.run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await slots.run(() => Promise.resolve('after')), 'after');
  });
});
