// The demo and the example processes refusing to run: one line saying what to change, and a non-zero exit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Children } from '../../examples/demo/children.js';
import { startDemo } from '../support/demo-process.js';
import { freePort } from '../support/server.js';

const TSX = import.meta.resolve('tsx');

/** Runs an example's entry file with only `env` (and PATH), and collects what it says. */
function runExample(entry: string, env: NodeJS.ProcessEnv, request?: (port: string) => Promise<Response>): Promise<{ code: number | null; stderr: string; answer?: Response }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, entry], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let answer: Response | undefined;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (request === undefined || !/listening on/.test(chunk)) return;
      request(env.PORT ?? '').then((response) => {
        answer = response;
        child.kill('SIGTERM');
      }, reject);
    });
    child.once('close', (code) => resolve({ code, stderr, ...(answer === undefined ? {} : { answer }) }));
  });
}

describe('npm run demo, refusing to start', () => {
  let folder: string;
  let taken: Server;
  let takenPort: number;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'gatehouse-demo-failures-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as { port: number }).port;
  });
  after(() => {
    taken.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('names the port in use and the variable that changes it, in one line, and exits 1', async () => {
    const demo = startDemo({ DEMO_DATA_DIR: join(folder, 'data'), DEMO_GATEHOUSE_PORT: String(takenPort) });
    assert.equal((await demo.exited()).code, 1);
    assert.equal(demo.stderr(), `demo: port ${takenPort} is in use; choose another with DEMO_GATEHOUSE_PORT=… (0 picks a free one)\n`);
  });

  it('refuses a port in use on ::1 alone, since the printed localhost URL may reach it there', async (t) => {
    const ipv6 = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      ipv6.once('error', () => resolve(false));
      ipv6.listen(0, '::1', () => resolve(true));
    });
    if (!listening) return t.skip('this machine has no ::1');
    const port = (ipv6.address() as { port: number }).port;
    try {
      const demo = startDemo({ DEMO_DATA_DIR: join(folder, 'data'), DEMO_GATEHOUSE_PORT: '0', DEMO_WEB_APP_PORT: String(port) });
      assert.equal((await demo.exited()).code, 1);
      assert.equal(demo.stderr(), `demo: port ${port} is in use; choose another with DEMO_WEB_APP_PORT=… (0 picks a free one)\n`);
    } finally {
      ipv6.close();
    }
  });

  it('refuses a port that is not one, in one line', async () => {
    const demo = startDemo({ DEMO_DATA_DIR: join(folder, 'data'), DEMO_GATEHOUSE_PORT: '0', DEMO_WEB_APP_PORT: 'eighty' });
    assert.equal((await demo.exited()).code, 1);
    assert.equal(demo.stderr(), 'demo: DEMO_WEB_APP_PORT must be a TCP port 0-65535, got "eighty"\n');
  });
});

describe('the demo, waiting for a child process', () => {
  it('gives up on one that never says it is ready, in one line naming it, and can still stop it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-demo-ready-'));
    // Accepts connections and never answers: the web app's discovery request waits on it, so it never gets ready.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const failures: string[] = [];
    const children = new Children(folder, (line) => failures.push(line), 500);
    try {
      const webApp = children.start('The web app', 'web-app', 'examples/web-app/server.ts', [], {
        ISSUER: `http://127.0.0.1:${(silent.address() as { port: number }).port}`,
        PORT: '0', CLIENT_ID: 'c', CLIENT_SECRET: 's', NOTES_API_URL: 'http://127.0.0.1:1', NOTES_API_IDENTIFIER: 'https://notes.example/',
      });
      await assert.rejects(webApp.ready(/listening on/));
      assert.deepEqual(failures, [`The web app did not say it was ready within 0.5 s; its log: ${join(folder, 'web-app.log')}`]);
    } finally {
      await children.stopAll();
      silent.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the example processes, misconfigured', () => {
  it('the web app names a missing or malformed setting in one line and exits 2', async () => {
    const missing = await runExample('examples/web-app/server.ts', { PORT: '0' });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'notes web app: ISSUER is not set\n');
    const malformed = await runExample('examples/web-app/server.ts', { PORT: '0', ISSUER: 'ftp://id.example', CLIENT_ID: 'c', CLIENT_SECRET: 's' });
    assert.equal(malformed.code, 2);
    assert.equal(malformed.stderr, 'notes web app: ISSUER must be an http(s) URL without query or fragment, got "ftp://id.example"\n');
  });

  it('the web app stops with one line when Gatehouse cannot be reached', async () => {
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const settings = { PORT: '0', ISSUER: issuer, CLIENT_ID: 'c', CLIENT_SECRET: 's', NOTES_API_URL: 'http://127.0.0.1:1', NOTES_API_IDENTIFIER: 'https://notes.example/' };
    const result = await runExample('examples/web-app/server.ts', settings);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^notes web app: could not start: [^\n]+\n$/);
  });

  it('the Notes API names a missing setting, and answers 503 (not 500, not a pass) when Gatehouse cannot be reached', async () => {
    const missing = await runExample('examples/api/server.ts', { PORT: '0' });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'notes api: ISSUER is not set\n');
    const port = String(await freePort());
    const settings = { PORT: port, ISSUER: `http://127.0.0.1:${await freePort()}`, NOTES_API_IDENTIFIER: 'https://notes.example/', INTROSPECTION_CLIENT_ID: 'i', INTROSPECTION_CLIENT_SECRET: 's' };
    const result = await runExample('examples/api/server.ts', settings, (listening) => fetch(`http://127.0.0.1:${listening}/notes`, { headers: { authorization: 'Bearer some-token' } }));
    assert.equal(result.answer?.status, 503);
    assert.deepEqual(await result.answer?.json(), { error: 'temporarily_unavailable' });
    assert.match(result.stderr, /^notes api: could not check a token: /);
  });
});
