// The benchmark's load generator: it refuses any host but loopback, stops a worker whose material ran out, and
// counts a wrong answer as an error rather than a completed operation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoopbackHttp } from '../../bench/http.js';
import { MaterialExhausted, runClosedLoop } from '../../bench/load.js';

test('the load generator targets loopback only', () => {
  assert.throws(() => new LoopbackHttp('http://example.com:4000', 1), /benchmarks target loopback only, not example\.com/);
  assert.throws(() => new LoopbackHttp('http://10.0.0.1:4000', 1), /loopback only/);
  const loopback = new LoopbackHttp('http://127.0.0.1:4000', 1);
  assert.equal(loopback.origin, 'http://127.0.0.1:4000');
  void loopback.close();
});

test('a worker whose prepared material runs out stops, and the window says how many did', async () => {
  let calls = 0;
  const window = await runClosedLoop((worker) => {
    calls += 1;
    return worker === 0 || calls > 10 ? Promise.reject(new MaterialExhausted('test material')) : Promise.resolve();
  }, 3, 60);
  assert.equal(window.exhaustedWorkers, 3);
  assert.equal(window.completed, calls - 3);
  assert.equal(window.errors, 0);
});

test('an operation that throws is an error with its message kept, never a completed operation', async () => {
  let calls = 0;
  const window = await runClosedLoop(() => {
    calls += 1;
    if (calls > 5) return Promise.reject(new MaterialExhausted('done'));
    return calls % 2 === 0 ? Promise.reject(new Error(`wrong answer ${calls}`)) : Promise.resolve();
  }, 1, 60);
  assert.equal(window.completed, 3);
  assert.equal(window.errors, 2);
  assert.equal(window.firstError, 'wrong answer 2');
});
