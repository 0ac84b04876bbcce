import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeListenFailure, ListenError, listenHttp } from './http-server.js';

describe('listenHttp', () => {
  it('answers 503 with Retry-After until the app is served, then hands it every request', async () => {
    const listener = await listenHttp('127.0.0.1', 0);
    const url = `http://127.0.0.1:${listener.port}/healthz`;
    try {
      const starting = await fetch(url);
      assert.deepEqual([starting.status, starting.headers.get('retry-after'), await starting.text()], [503, '1', '']);
      listener.serve((_request, response) => response.end('ready'));
      assert.equal(await (await fetch(url)).text(), 'ready');
    } finally {
      await listener.close();
    }
    await assert.rejects(fetch(url), 'closed');
  });

  it('fails with a ListenError naming the setting when the port is taken', async () => {
    const taken = await listenHttp('127.0.0.1', 0);
    try {
      await assert.rejects(listenHttp('127.0.0.1', taken.port), (error: unknown) => {
        assert.ok(error instanceof ListenError);
        assert.equal(error.code, 'EADDRINUSE');
        assert.equal(error.message, `port ${taken.port} is in use; set GATEHOUSE_PORT (or \`port\` in the config file) to another port`);
        return true;
      });
    } finally {
      await taken.close();
    }
  });

  it('explains a privileged port and a host that does not resolve', () => {
    assert.match(describeListenFailure('0.0.0.0', 80, 'EACCES'), /^port 80 needs privileges .*set GATEHOUSE_PORT .* to a port above 1023$/);
    assert.match(describeListenFailure('no-such-host.invalid', 4000, 'ENOTFOUND'), /^cannot listen on no-such-host\.invalid: the host name does not resolve; set GATEHOUSE_HOST/);
    assert.equal(describeListenFailure('::1', 4000, 'EINVAL'), 'cannot listen on ::1 port 4000 (EINVAL); check GATEHOUSE_HOST and GATEHOUSE_PORT');
  });
});
