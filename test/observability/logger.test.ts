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
