// The first run, as a new user meets it from the README: `serve --dev` on a free port, what goes where, a restart,
// the admin CLI in the dev data folder, and a port already taken.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertOneLineFailure, jsonOf, runCli } from '../cli/run-cli.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';

interface ListeningLine {
  readonly msg: string;
  readonly url: string;
  readonly issuer: string;
}

/** Starts `serve --dev` on port 0 and waits for its one listening line. */
async function startDev(env: NodeJS.ProcessEnv, cwd: string): Promise<{ server: ServeProcess; listening: ListeningLine }> {
  const server = startServeProcess(['--dev'], { ...env, GATEHOUSE_PORT: '0' }, cwd);
  await server.waitFor(/Discovery: /);
  await server.waitFor(/"msg":"gatehouse listening"/);
  const lines = server.stdout().split('\n').filter((line) => line !== '');
  const listening = lines.map((line) => JSON.parse(line) as ListeningLine).filter((line) => /listening/i.test(line.msg));
  assert.equal(listening.length, 1, `exactly one listening line in ${server.stdout()}`);
  return { server, listening: listening[0]! };
}

async function stop(server: ServeProcess): Promise<void> {
  server.child.kill('SIGTERM');
  assert.equal(await server.exited(), 0);
}

describe('serve --dev on GATEHOUSE_PORT=0', () => {
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'gatehouse-first-run-'));
    env = { GATEHOUSE_DATA_DIR: join(cwd, 'data') };
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('uses the real port in the issuer, discovery and printed URLs; banners on stderr, JSON lines on stdout', async () => {
    const { server, listening } = await startDev(env, cwd);
    const port = new URL(listening.url).port;
    assert.notEqual(port, '0');
    assert.equal(listening.issuer, `http://localhost:${port}`);
    const discovery = (await (await fetch(`${listening.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    assert.equal(discovery.issuer, listening.issuer);
    assert.equal(discovery.authorization_endpoint, `${listening.issuer}/authorize`);
    assert.match(server.stderr(), new RegExp(`Gatehouse \\(dev mode\\) at http://localhost:${port}\\n`));
    assert.match(server.stderr(), new RegExp(`^ +http://localhost:${port}/authorize\\?`, 'm'));
    assert.match(server.stderr(), /client_secret: +\S{43}/);
    assert.doesNotMatch(server.stdout(), /client_secret|Gatehouse \(dev mode\)|localhost:0/);
    for (const line of server.stdout().split('\n').filter((text) => text !== '')) assert.doesNotThrow(() => JSON.parse(line), line);
    await stop(server);
  });

  it('reminds the person of the demo client on a restart, never its secret', async () => {
    const { server, listening } = await startDev(env, cwd);
    const stderr = server.stderr();
    const clientId = /client_id: +(\S+)/.exec(stderr)?.[1] ?? assert.fail(stderr);
    assert.match(stderr, new RegExp(`new secret: +npx gatehouse clients rotate-secret ${clientId}\\n`));
    const authorizationUrl = new URL(/^ +(http:\/\/\S+\/authorize\?\S+)$/m.exec(stderr)?.[1] ?? assert.fail(stderr));
    assert.equal(authorizationUrl.origin, new URL(listening.issuer).origin, 'the URL names this start\'s port');
    assert.equal(authorizationUrl.searchParams.get('client_id'), clientId);
    assert.doesNotMatch(server.output(), /client_secret|user: +demo \//);
    assert.equal((await fetch(authorizationUrl, { redirect: 'manual' })).status, 303, 'the printed URL starts a login');
    await stop(server);
  });

  it('lets the admin CLI work in that data folder without --dev, saying so once on stderr', async () => {
    const listed = await runCli(['clients', 'list', '--json'], { env, cwd });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(jsonOf<Array<{ client_name: string }>>(listed).map((client) => client.client_name), ['Demo App']);
    assert.equal(listed.stderr, `gatehouse: using dev-mode settings: ${join(cwd, 'data')} was created by serve --dev\n`);
    const production = await runCli(['clients', 'list'], { env: { ...env, GATEHOUSE_ISSUER: 'https://id.example.com' }, cwd });
    assert.equal(production.code, 2, 'an issuer means production: never silently dev');
    assert.match(production.stderr, /`keys\.encryptionSecret`: required in production/);
  });
});

describe('serve on a port already taken', () => {
  let cwd: string;
  let occupant: Server;
  let port: number;
  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'gatehouse-port-taken-'));
    occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    port = (occupant.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((resolve) => occupant.close(resolve));
    rmSync(cwd, { recursive: true, force: true });
  });

  it('says which setting to change in one line and exits 2, creating nothing', async () => {
    const env = { GATEHOUSE_PORT: String(port), GATEHOUSE_DATA_DIR: join(cwd, 'data') };
    const result = await runCli(['serve', '--dev'], { env, cwd });
    const message = `^gatehouse: port ${port} is in use; set GATEHOUSE_PORT \\(or \`port\` in the config file\\) to another port\\n$`;
    assertOneLineFailure(result, 2, new RegExp(message));
    assert.equal(existsSync(join(cwd, 'data')), false, 'the port is checked before the data folder is touched');
  });

  it('names the host when it is not an address of this machine', async () => {
    const result = await runCli(['serve', '--dev'], { env: { GATEHOUSE_HOST: '192.0.2.1', GATEHOUSE_PORT: '0', GATEHOUSE_DATA_DIR: join(cwd, 'data') }, cwd });
    assertOneLineFailure(result, 2, /^gatehouse: cannot listen on 192\.0\.2\.1: no such address on this machine; set GATEHOUSE_HOST/);
  });
});
