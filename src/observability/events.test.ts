// The event bus: what a request's response waits for, and what it need not.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EventBus, type GatehouseEvent } from './events.js';

const EVENT: GatehouseEvent = { type: 'user.deleted', userId: 'u-1', username: 'ada' };

/** A subscriber whose writes finish only when the test says so. */
function heldSubscriber(bus: EventBus): Array<() => void> {
  const release: Array<() => void> = [];
  bus.subscribe(() => new Promise<void>((resolve) => release.push(resolve)));
  return release;
}

it('settles a request once every asynchronous subscriber of its events has finished, and no other request\'s', async () => {
  const bus = new EventBus(() => undefined);
  const release = heldSubscriber(bus);
  assert.equal(bus.settle('r-1'), undefined, 'nothing emitted, nothing to wait for');
  bus.emit(EVENT, { requestId: 'r-1' });
  bus.emit(EVENT, { requestId: 'r-2' });
  let settled = false;
  void bus.settle('r-1')?.then(() => (settled = true));
  release[1]!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'r-2 finishing does not settle r-1');
  release[0]!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, true);
  assert.equal(bus.settle('r-1'), undefined);
});

it('keeps waiting for a later request that reuses an id (a trusted proxy\'s) after the earlier one finished', async () => {
  const bus = new EventBus(() => undefined);
  const release = heldSubscriber(bus);
  bus.emit(EVENT, { requestId: 'same' });
  release[0]!();
  bus.emit(EVENT, { requestId: 'same' });
  await new Promise((resolve) => setImmediate(resolve));
  const pending = bus.settle('same');
  assert.notEqual(pending, undefined, 'the second request still has a write in flight');
  release[1]!();
  await pending;
});

it('settles a request whose subscriber failed: the failure is reported, the answer not held', async () => {
  const failures: unknown[] = [];
  const bus = new EventBus((error) => failures.push(error));
  bus.subscribe(() => Promise.reject(new Error('database down')));
  bus.emit(EVENT, { requestId: 'r-1' });
  await bus.settle('r-1');
  assert.equal(failures.length, 1);
});
