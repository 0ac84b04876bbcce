// Gatehouse from the built dist, production mode (not --dev) with a loopback issuer, default settings and durability
// but for load shedding (off, as node-oidc-provider has none), on a fresh SQLite data folder or a fresh PostgreSQL
// database; clients, the API and users registered with the CLI.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_SECRET, type Material } from '../material.js';
import { createBenchDatabase, type BenchDatabase } from '../postgres.js';
import { prefillPostgres, prefillSqlite } from '../prefill.js';
import { API_RESOURCE, API_SCOPE, REDIRECT_URI } from '../protocol.js';
import { cleanEnvironment, freePort, serverCpus, startPinnedServer, type ServerProcess } from './server-process.js';
import type { Target } from './target.js';

const GATEHOUSE_ENTRY = fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url));
const CLI_PARALLELISM = 4;

/** BENCH_CPU_PROF=DIR: the Gatehouse server writes a V8 CPU profile there when it stops (node --cpu-prof). */
function profilerArguments(): string[] {
  const folder = process.env.BENCH_CPU_PROF;
  return folder === undefined || folder === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${folder}`];
}

export interface GatehouseOptions {
  readonly engine: 'sqlite' | 'postgres';
  readonly postgresUrl: string;
  readonly label: string;
  readonly material: Material;
  /** `gatehouse serve --workers N`, on CPUs 0 to N-1; one process (no --workers) when undefined. */
  readonly workers: number | undefined;
  /** A large deployment's rows written before the server starts (bench/prefill.ts); 0: none. */
  readonly prefillRows: number;
}

function runCli(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Registration is setup, not measurement: the CLI may use both CPUs.
    const child = execFile('taskset', ['-c', '0,1', process.execPath, GATEHOUSE_ENTRY, ...args], { env, cwd }, (error, stdout, stderr) =>
      error ? reject(new Error(`gatehouse ${args.slice(0, 2).join(' ')} failed: ${stderr.trim() || error.message}`)) : resolve(stdout));
    child.stdin?.end(stdin ?? '');
  });
}

async function inParallel(tasks: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  const queue = [...tasks];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  }));
}

/** The README's admin path: `clients apply` for the clients, `apis create`, `clients allow-api`, `users create`. */
async function register(material: Material, env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const clients = material.clients.map((client) => ({
    client_id: client.clientId,
    client_name: `Bench ${client.clientId}`,
    grant_types: client.grantTypes,
    ...(client.grantTypes.includes('authorization_code') ? { redirect_uris: [REDIRECT_URI] } : {}),
    id_token_signed_response_alg: client.idTokenAlg,
    client_secret_env: 'BENCH_CLIENT_SECRET',
  }));
  const file = join(cwd, 'clients.json');
  writeFileSync(file, JSON.stringify({ clients }));
  await runCli(['clients', 'apply', file, '--json'], { ...env, BENCH_CLIENT_SECRET: CLIENT_SECRET }, cwd);
  const apiClients = material.clients.filter((client) => client.api);
  if (apiClients.length > 0) {
    await runCli(['apis', 'create', '--identifier', API_RESOURCE, '--name', 'Bench API', '--scope', `${API_SCOPE}=Read bench data`], env, cwd);
  }
  await inParallel([
    ...apiClients.map((client) => () => runCli(['clients', 'allow-api', client.clientId, '--api', API_RESOURCE], env, cwd)),
    ...material.people.map((person) => () => runCli(['users', 'create', '--username', person.username, '--name', `Bench ${person.username}`, '--email', `${person.username}@bench.example`, '--password-stdin'], env, cwd, person.password)),
  ], CLI_PARALLELISM);
}

export async function startGatehouse(options: GatehouseOptions): Promise<Target> {
  if (!existsSync(GATEHOUSE_ENTRY)) throw new Error('dist/ is missing: run `npm run build` first');
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const database: BenchDatabase | undefined = options.engine === 'postgres' ? await createBenchDatabase(options.postgresUrl, options.label) : undefined;
  const port = await freePort();
  const env = cleanEnvironment({
    GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`,
    GATEHOUSE_PORT: String(port),
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_KEYS_ENCRYPTION_SECRET: 'bench-key-encryption-secret-0123456789abcdef',
    // node-oidc-provider sheds nothing; and on a machine shared with other work a late event loop would turn some of
    // the measured (or preparing) requests away, so the two servers would not do the same work.
    GATEHOUSE_LOAD_SHEDDING_ENABLED: 'false',
    ...(database ? { GATEHOUSE_DATABASE_URL: database.url } : {}),
  });
  const start = (): Promise<ServerProcess> => startPinnedServer({
    args: [...profilerArguments(), GATEHOUSE_ENTRY, 'serve', ...(options.workers === undefined ? [] : ['--workers', String(options.workers)])],
    env, cwd: dataDir, port, readyPath: '/readyz', logFile: join(dataDir, 'server.log'), cpus: serverCpus(options.workers ?? 1),
  });
  try {
    await register(options.material, env, dataDir);
    if (options.prefillRows > 0 && database) await prefillPostgres(database.url, options.prefillRows);
    else if (options.prefillRows > 0) prefillSqlite(join(dataDir, 'gatehouse.db'), options.prefillRows);
    let server = await start();
    return {
      name: 'gatehouse',
      baseUrl: server.baseUrl,
      process: () => server,
      async restart() {
        await server.stop();
        server = await start();
      },
      tableWrites: async () => database?.tableWrites(),
      async stop() {
        await server.stop();
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await database?.drop();
    // The data folder stays: a server that did not start names its log in there.
    throw error;
  }
}
