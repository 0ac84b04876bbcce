// Browsers ask for /favicon.ico beside every page: a cached 204, not a 404 in the log each time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestServer } from '../support/server.js';

describe('GET /favicon.ico', () => {
  const suite = useTestServer({ name: 'sqlite' });

  it('answers 204 with a long cache and writes no log line', async () => {
    const { server } = suite;
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(`${server.url}/favicon.ico`, { method });
      assert.equal(response.status, 204, method);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=604800');
    }
    await fetch(`${server.url}/healthz`);
    assert.match(server.logs(), /"url":"\/healthz"/, 'requests are logged');
    assert.doesNotMatch(server.logs(), /favicon/);
  });
});
