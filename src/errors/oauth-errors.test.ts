import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidGrant, ServerError, TemporarilyUnavailable } from './oauth-errors.js';

const framesOf = (error: Error): string[] => (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));

it('a refusal captures no stack, a server_error does, and every later error still gets its own', () => {
  assert.deepEqual(framesOf(new InvalidGrant()), []);
  assert.deepEqual(framesOf(new TemporarilyUnavailable({ retryAfter: 1 })), []);
  assert.ok(framesOf(new ServerError()).length > 0, 'a server_error is logged to be found');
  assert.ok(framesOf(new Error('after a refusal')).length > 0, 'Error.stackTraceLimit is restored');
  assert.equal(new InvalidGrant().message, 'The grant is invalid, expired, revoked, or was issued to another client.');
});
