// `npm run demo`: Gatehouse in dev mode, the Notes API and the Notes web app, set up to work together; one URL to open.
// Stops all three on Ctrl-C; when any of them fails, says so in one line, stops the others and exits non-zero.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Children } from './demo/children.js';
import { DEMO_USERNAME, ensureRegistration, NOTES_API_IDENTIFIER } from './demo/registration.js';

interface DemoPorts {
  readonly gatehouse: number;
  readonly webApp: number;
  readonly notesApi: number;
}

/** A port from `variable` (default `fallback`); 0 picks a free one. A port in use stops the demo before anything starts. */
async function choosePort(variable: string, fallback: number): Promise<number> {
  const text = process.env[variable] ?? String(fallback);
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new DemoError(`${variable} must be a TCP port 0-65535, got ${JSON.stringify(text)}`);
  // The printed URLs say `localhost`, which a browser may resolve to either loopback address: free on both, or refused.
  const port = await listenOnce(Number(text), '127.0.0.1');
  if (port === undefined || (await listenOnce(port, '::1')) === undefined) throw new DemoError(`port ${text} is in use; choose another with ${variable}=… (0 picks a free one)`);
  return port;
}

/** The port bound at `host` (0 binds a free one), undefined when it is taken; a host this machine lacks (no IPv6) passes. */
function listenOnce(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolvePort(error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT' ? port : undefined));
    probe.listen(port, host, () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : port));
    });
  });
}

/** A failure the demo reports in one line. */
class DemoError extends Error {}

const say = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const dataDir = resolve(process.env.DEMO_DATA_DIR ?? '.gatehouse-demo');
  const ports: DemoPorts = {
    gatehouse: await choosePort('DEMO_GATEHOUSE_PORT', 4500),
    webApp: await choosePort('DEMO_WEB_APP_PORT', 3500),
    notesApi: await choosePort('DEMO_NOTES_API_PORT', 3501),
  };
  mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o700 });

  let ending = false;
  /** Stops every child, then exits: 0 after a Ctrl-C, 1 with `failure` on stderr. */
  const end = (failure?: string) => {
    // npm and the terminal may both deliver one Ctrl-C, and a failing child may take others down: the first counts.
    if (ending) return;
    ending = true;
    if (failure === undefined) say('\nStopping the demo…');
    void children.stopAll().then(() => {
      if (failure !== undefined) process.stderr.write(`demo: ${failure}\n`);
      process.exit(failure === undefined ? 0 : 1);
    });
  };
  const children = new Children(join(dataDir, 'logs'), end);
  process.on('SIGINT', () => end());
  process.on('SIGTERM', () => end());
  try {
    await startAll(children, dataDir, ports);
  } catch (error) {
    // A child that failed, or a Ctrl-C, is already being handled.
    if (!ending) end(error instanceof Error ? error.message : String(error));
  }
}

async function startAll(children: Children, dataDir: string, ports: DemoPorts): Promise<void> {
  say('Starting Gatehouse, the Notes API and the Notes web app…');
  const gatehouse = children.start('Gatehouse', 'gatehouse', 'src/cli/index.ts', ['serve', '--dev'], { GATEHOUSE_PORT: String(ports.gatehouse), GATEHOUSE_DATA_DIR: dataDir });
  // Its one `gatehouse listening` log line names the issuer (README: Running in production, Logs).
  const { issuer } = JSON.parse(await gatehouse.ready(/"msg":"gatehouse listening"/)) as { issuer: string };

  const webAppUrl = `http://localhost:${ports.webApp}`;
  const registration = await ensureRegistration(dataDir, webAppUrl);
  const notesApiUrl = `http://localhost:${ports.notesApi}`;
  const notesApi = children.start('The Notes API', 'notes-api', 'examples/api/server.ts', [], {
    ISSUER: issuer,
    PORT: String(ports.notesApi),
    NOTES_API_IDENTIFIER,
    INTROSPECTION_CLIENT_ID: registration.notesApi.clientId,
    INTROSPECTION_CLIENT_SECRET: registration.notesApi.clientSecret,
  });
  const webApp = children.start('The web app', 'web-app', 'examples/web-app/server.ts', [], {
    ISSUER: issuer,
    PORT: String(ports.webApp),
    PUBLIC_URL: webAppUrl,
    CLIENT_ID: registration.webApp.clientId,
    CLIENT_SECRET: registration.webApp.clientSecret,
    NOTES_API_URL: notesApiUrl,
    NOTES_API_IDENTIFIER,
  });
  await Promise.all([notesApi.ready(/listening on/), webApp.ready(/listening on/)]);
  say(welcome(issuer, { webAppUrl, notesApiUrl, dataDir, demoPassword: registration.demoPassword }));
}

function welcome(issuer: string, { webAppUrl, notesApiUrl, dataDir, demoPassword }: Record<'webAppUrl' | 'notesApiUrl' | 'dataDir' | 'demoPassword', string>): string {
  return [
    '',
    `Gatehouse (dev mode) ${issuer}   data and logs in ${dataDir}`,
    `Notes API            ${notesApiUrl}   (identifier ${NOTES_API_IDENTIFIER}, scope notes:read)`,
    `Notes web app        ${webAppUrl}`,
    '',
    `Open ${webAppUrl}`,
    `and sign in as ${DEMO_USERNAME} with the password ${demoPassword}`,
    '',
    'Stop with Ctrl-C.',
  ].join('\n');
}

main().catch((error: unknown) => {
  // Before any child started: a port or a setting to change.
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
