import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RestartPolicy, restartLimitsFor } from './restart-policy.js';

const limits = { crashes: 4, windowMs: 60_000, firstDelayMs: 100, maxDelayMs: 300 };

it('doubles the delay for each exit within the window, up to the maximum', () => {
  const policy = new RestartPolicy({ ...limits, crashes: 10 });
  assert.deepEqual([0, 1, 2, 3].map((at) => policy.delayAfterExit(at)), [100, 200, 300, 300]);
});

it('gives up at the crash count within the window', () => {
  const policy = new RestartPolicy(limits);
  assert.deepEqual([0, 10, 20].map((at) => policy.delayAfterExit(at)), [100, 200, 300]);
  assert.equal(policy.delayAfterExit(30), undefined);
  assert.equal(policy.recentExits(), 4);
});

it('forgets exits older than the window, so occasional deaths never add up to giving up', () => {
  const policy = new RestartPolicy(limits);
  for (let minute = 0; minute < 10; minute++) assert.equal(policy.delayAfterExit(minute * 60_000), 100);
});

it('lets every worker of a large cluster die twice in a window before giving up', () => {
  assert.equal(restartLimitsFor(1).crashes, 5);
  assert.equal(restartLimitsFor(16).crashes, 32);
});
