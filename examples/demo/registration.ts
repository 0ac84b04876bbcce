// What the demo registers at Gatehouse through the admin CLI, once, and remembers in its data folder: the Notes API, its
// introspection client, the web app's client, and a password for the demo user.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** The Notes API's identifier: a name for the API (RFC 8707), the same whatever port it runs on. */
export const NOTES_API_IDENTIFIER = 'https://notes.example/';
export const DEMO_USERNAME = 'demo';

/** What later runs reuse; kept in <data folder>/demo.json, readable by its owner only (it holds secrets). */
export interface Registration {
  readonly webApp: { readonly clientId: string; readonly clientSecret: string; readonly url: string };
  readonly notesApi: { readonly clientId: string; readonly clientSecret: string };
  readonly demoPassword: string;
}

/** A CLI command that failed: its one-line message, for the demo to print. */
export class RegistrationFailed extends Error {
  override readonly name = 'RegistrationFailed';
}

function runCli(dataDir: string, args: readonly string[], input = ''): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')));
  return new Promise((resolve, reject) => {
    // The data folder alone configures it: set up by `serve --dev`, so the CLI uses dev settings.
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { env: { ...env, GATEHOUSE_DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(stdout);
      const reason = stderr.trim().split('\n').filter((line) => !line.includes('using dev-mode settings')).at(-1) ?? `exit code ${code}`;
      reject(new RegistrationFailed(`\`gatehouse ${args.slice(0, 2).join(' ')}\` failed: ${reason}`));
    });
    child.stdin.end(input);
  });
}

async function createClient(dataDir: string, args: readonly string[]): Promise<{ clientId: string; clientSecret: string }> {
  const created = JSON.parse(await runCli(dataDir, ['clients', 'create', ...args, '--json'])) as { client_id: string; client_secret: string };
  return { clientId: created.client_id, clientSecret: created.client_secret };
}

/** The web app's registered URIs under `url`: where sign-in returns, where sign-out returns, where logout tokens go. */
const webAppUris = (url: string) => ['--redirect-uri', `${url}/callback`, '--post-logout-redirect-uri', `${url}/signed-out`, '--backchannel-logout-uri', `${url}/backchannel-logout`];

async function registerEverything(dataDir: string, webAppUrl: string): Promise<Registration> {
  const notesApi = await createClient(dataDir, ['--name', 'Notes API (token introspection)', '--grant-types', 'client_credentials']);
  // Short-lived tokens, so a refresh is seen within a minute of use.
  await runCli(dataDir, ['apis', 'create', '--identifier', NOTES_API_IDENTIFIER, '--name', 'Notes', '--scope', 'notes:read=Read your notes', '--access-token-ttl', '60', '--resource-server-client', notesApi.clientId]);
  const webApp = await createClient(dataDir, ['--name', 'Notes', ...webAppUris(webAppUrl), '--grant-types', 'authorization_code,refresh_token']);
  await runCli(dataDir, ['clients', 'allow-api', webApp.clientId, '--api', NOTES_API_IDENTIFIER, '--scope', 'notes:read']);
  // Dev mode printed the seeded password to Gatehouse's log only; the demo sets one it can show every time.
  const demoPassword = randomBytes(12).toString('base64url');
  await runCli(dataDir, ['users', 'set-password', DEMO_USERNAME, '--password-stdin'], demoPassword);
  return { webApp: { ...webApp, url: webAppUrl }, notesApi, demoPassword };
}

/** A first run that fails half-way leaves registrations without demo.json: a fresh folder is the way out. */
async function registerFirstTime(dataDir: string, webAppUrl: string): Promise<Registration> {
  try {
    return await registerEverything(dataDir, webAppUrl);
  } catch (error) {
    if (error instanceof RegistrationFailed) throw new RegistrationFailed(`${error.message} (delete ${dataDir} to start over)`);
    throw error;
  }
}

function readSaved(path: string): Registration | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Registration;
    if (typeof saved.webApp?.clientId === 'string' && typeof saved.notesApi?.clientSecret === 'string' && typeof saved.demoPassword === 'string') return saved;
  } catch {
    // Unreadable: the message below says what to do.
  }
  throw new RegistrationFailed(`${path} is unreadable; delete the folder ${join(path, '..')} to start over`);
}

/**
 * The registration of an earlier run, its web app URIs moved to `webAppUrl` when the port changed; on the first run,
 * everything registered anew. @throws RegistrationFailed
 */
export async function ensureRegistration(dataDir: string, webAppUrl: string): Promise<Registration> {
  const path = join(dataDir, 'demo.json');
  const saved = readSaved(path);
  if (saved !== undefined && saved.webApp.url === webAppUrl) return saved;
  if (saved !== undefined) await runCli(dataDir, ['clients', 'update', saved.webApp.clientId, ...webAppUris(webAppUrl)]);
  const registration = saved === undefined ? await registerFirstTime(dataDir, webAppUrl) : { ...saved, webApp: { ...saved.webApp, url: webAppUrl } };
  writeFileSync(path, `${JSON.stringify(registration, null, 2)}\n`, { mode: 0o600 });
  return registration;
}
