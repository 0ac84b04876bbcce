import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../../src/observability/logger.js';

function captureLogger(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger('info', sink), text: () => lines.join('') };
}

it('redacts secret-bearing fields at the top level and nested', () => {
  const { logger, text } = captureLogger();
  logger.info(
    {
      password: 'pw-value',
      client_secret: 'cs-value',
      body: { code: 'code-value', refresh_token: 'rt-value', code_verifier: 'cv-value' },
      key: { privateKey: 'pk-value', nested: { encryptionSecret: 'es-value' } },
      req: { headers: { authorization: 'Basic auth-value', cookie: 'c=cookie-value' } },
    },
    'event',
  );
  const logged = text();
  for (const value of ['pw-value', 'cs-value', 'code-value', 'rt-value', 'cv-value', 'pk-value', 'es-value', 'auth-value', 'cookie-value']) {
    assert.ok(!logged.includes(value), `${value} leaked: ${logged}`);
  }
  assert.match(logged, /"password":"\[redacted\]"/);
});

it('logs request URLs with parameter names but no values', () => {
  assert.equal(redactUrl('/authorize?client_id=a&state=xyz&code_challenge=c'), '/authorize?client_id=[redacted]&state=[redacted]&code_challenge=[redacted]');
  assert.equal(redactUrl('/jwks'), '/jwks');
});

it('redacts a secret-bearing property of a logged error and keeps the error its class, message and cause', () => {
  const { logger, text } = captureLogger();
  const error = Object.assign(new TypeError('the request failed', { cause: new Error('the socket closed') }), { token: 'token-value', status: 400 });
  logger.warn({ err: error }, 'failed');
  const line = JSON.parse(text()) as { err: { type: string; message: string; token: string; status: number; stack: string } };
  assert.equal(line.err.token, '[redacted]');
  assert.equal(line.err.type, 'TypeError');
  assert.match(line.err.message, /the request failed: the socket closed/);
  assert.equal(line.err.status, 400);
  assert.match(line.err.stack, /TypeError: the request failed/);
  assert.equal(error.token, 'token-value', 'the logged error itself is left as it was');
});

it("redacts secret-bearing fields of a child logger's bindings and inside arrays", () => {
  const { logger, text } = captureLogger();
  const child = logger.child({ token: 'bound-value', requestId: 'r1' });
  child.info({ attempts: [{ code: 'array-value' }] }, 'event');
  child.child({ worker: 2, secret: 'grandchild-value' }).info('event');
  const logged = text();
  assert.match(logged, /"worker":2/);
  for (const value of ['bound-value', 'array-value', 'grandchild-value']) assert.ok(!logged.includes(value), `${value} leaked: ${logged}`);
  assert.match(logged, /"requestId":"r1"/);
});

it('logs an object without secrets as it is, three levels deep, and stops searching below that', () => {
  const { logger, text } = captureLogger();
  const fields = { route: '/token', status: 200, nested: { one: { two: { three: 'kept' } } } };
  logger.info(fields, 'request completed');
  const line = JSON.parse(text()) as typeof fields;
  assert.deepEqual(line.nested, fields.nested);
  assert.equal(line.status, 200);
});
