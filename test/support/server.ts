// Starts a real Gatehouse listening on 127.0.0.1 against a test database, with a capturing logger.
import { after, before } from 'node:test';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startGatehouse, type Gatehouse, type StartOptions } from '../../src/main.js';
import { createLogger } from '../../src/observability/logger.js';
import { freePort } from './free-port.js';
import { createTestStore, type TestEngine, type TestStore } from './database.js';
import { SERVER_ENCRYPTION_SECRET as TEST_ENCRYPTION_SECRET } from './secrets.js';

export { freePort, TEST_ENCRYPTION_SECRET };

export interface TestServer extends Gatehouse {
  readonly config: Config;
  /** Every log line the server wrote, as text. */
  readonly logs: () => string;
}

/** The environment a Gatehouse process needs to reach a test database in production mode. */
export function testEnvironment(database: { databaseUrl: string | undefined; dataDir: string }, port: number): NodeJS.ProcessEnv {
  return {
    GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`,
    GATEHOUSE_PORT: String(port),
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_DATA_DIR: database.dataDir,
    GATEHOUSE_KEYS_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
    GATEHOUSE_LOG_LEVEL: 'info',
    // Test processes share two cores: a starved one's event loop runs late without the server being overloaded, and
    // must not shed another feature's requests. The load-shedding tests set their own bounds.
    GATEHOUSE_LOAD_SHEDDING_MAX_EVENT_LOOP_DELAY: '60000',
    ...(database.databaseUrl ? { GATEHOUSE_DATABASE_URL: database.databaseUrl } : {}),
  };
}

/** `options.clock` replaces the system clock for every flow, timer and record of the server (accelerated time). */
export async function startTestServer(
  database: { databaseUrl: string | undefined; dataDir: string },
  env: NodeJS.ProcessEnv = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const port = await freePort();
  const config = loadConfig({ configPath: undefined, env: { ...testEnvironment(database, port), ...env } });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const gatehouse = await startGatehouse(config, createLogger(config.logLevel, sink), options);
  return { ...gatehouse, close: () => gatehouse.close(), config, logs: () => lines.join('') };
}

/** The database and server of a suite, available once its `before` hook has run. */
export interface TestServerSuite {
  readonly database: TestStore;
  readonly server: TestServer;
}

/**
 * A fresh database and a Gatehouse on it for the enclosing suite. The server closes before the database is
 * dropped, so its last audit writes land first.
 */
export function useTestServer(engine: Pick<TestEngine, 'name'>, env: NodeJS.ProcessEnv = {}, options: StartOptions = {}): TestServerSuite {
  let current: TestServerSuite | undefined;
  before(async () => {
    const database = await createTestStore(engine);
    current = { database, server: await startTestServer(database, env, options) };
  });
  after(async () => {
    await current?.server.close();
    await current?.database.cleanup();
  });
  const started = (): TestServerSuite => {
    if (current === undefined) throw new Error('the suite server exists only once its before hook has run');
    return current;
  };
  return {
    get database() {
      return started().database;
    },
    get server() {
      return started().server;
    },
  };
}
