import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, TEST_ENCRYPTION_SECRET } from '../support/server.js';
import { startServeProcess } from '../support/serve-process.js';

describe('gatehouse serve as a process', () => {
  let cwd: string;
  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'gatehouse-serve-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('in dev mode seeds a demo user and client once, keeps its keys across a restart and stops on SIGTERM', async () => {
    const port = await freePort();
    const env = { GATEHOUSE_PORT: String(port), GATEHOUSE_DATA_DIR: join(cwd, 'data') };
    const first = startServeProcess(['--dev'], env, cwd);
    const output = await first.waitFor(/Discovery: /);
    assert.match(output, /user: +demo \/ \S{22}/);
    assert.match(output, /client_id: +\S+/);
    assert.match(output, /client_secret: +\S{43}/);
    const discovery = (await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json()) as { issuer: string };
    assert.equal(discovery.issuer, `http://localhost:${port}`);
    const kids = await publishedKids(port);
    assert.equal(kids.length, 4, 'an active and a next key of RS256 and of ES256');
    assert.equal(statSync(join(cwd, 'data', 'key-encryption.secret')).mode & 0o777, 0o600);
    assert.ok(existsSync(join(cwd, 'data', 'gatehouse.db')));
    first.child.kill('SIGTERM');
    assert.equal(await first.exited(), 0);
    assert.match(first.output(), /"msg":"stopped"/);

    const second = startServeProcess(['--dev'], env, cwd);
    await second.waitFor(/Discovery: /);
    assert.doesNotMatch(second.output(), /client_secret/, 'the demo seed runs only on an empty database');
    assert.deepEqual(await publishedKids(port), kids, 'the encrypted keys were read back');
    second.child.kill('SIGINT');
    assert.equal(await second.exited(), 0);
  });

  it('refuses to start in production mode without an issuer, listing the problem, exit 2', async () => {
    const refused = startServeProcess([], { GATEHOUSE_DATA_DIR: join(cwd, 'prod') }, cwd);
    assert.equal(await refused.exited(), 2);
    assert.match(refused.output(), /`issuer`: required outside dev mode/);
    assert.ok(!existsSync(join(cwd, 'prod', 'gatehouse.db')), 'nothing is created before the configuration is valid');
  });

  it('finishes an in-flight request after SIGTERM before exiting', async () => {
    const port = await freePort();
    const server = startServeProcess(
      [],
      {
        GATEHOUSE_PORT: String(port),
        GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`,
        GATEHOUSE_KEYS_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
        GATEHOUSE_DATA_DIR: join(cwd, 'graceful'),
      },
      cwd,
    );
    await server.waitFor(/gatehouse listening/);
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString('utf8')));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // The body is announced as 10 bytes and only 5 are sent: the request is in flight when the signal comes.
    socket.write('POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":');
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    await server.waitFor(/shutting down/);
    socket.end('"bc"}');
    await closed;
    assert.match(response, /^HTTP\/1\.1 405 /, response);
    assert.equal(await server.exited(), 0);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'no longer accepting');
  });
});

async function publishedKids(port: number): Promise<string[]> {
  const jwks = (await (await fetch(`http://127.0.0.1:${port}/jwks`)).json()) as { keys: Array<{ kid: string }> };
  return jwks.keys.map((key) => key.kid).sort();
}
