// Gatehouse as real `serve` processes on one test database: several instances, or one primary with workers.
import assert from 'node:assert/strict';
import type { TestDatabase } from './database.js';
import { freePort, testEnvironment } from './server.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

/** Starting processes on two shared cores takes a while; the suites wait this long for them before failing. */
export const START_TIMEOUT_MS = 60_000;

export interface Instance {
  /** Where this process listens: tests send to it directly, as a load balancer would pick it. */
  readonly url: string;
  readonly process: ServeProcess;
}

/** Matches once `text` has occurred `count` times in the output. */
export function occurrences(text: string, count: number): RegExp {
  return new RegExp(`(${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*){${count}}`);
}

/**
 * Starts `gatehouse serve` on `database` in production mode and waits until `listeners` processes say they listen
 * (the workers of `--workers`); `issuer` is the one public URL every instance shares (default: this process's URL).
 */
export async function startInstance(
  database: Pick<TestDatabase, 'databaseUrl' | 'dataDir'>,
  options: { readonly env?: NodeJS.ProcessEnv; readonly args?: readonly string[]; readonly issuer?: string; readonly listeners?: number } = {},
): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...testEnvironment(database, port), GATEHOUSE_ISSUER: options.issuer ?? url, ...options.env };
  const served = startServeProcess(options.args ?? [], env, database.dataDir);
  await served.waitFor(occurrences('"msg":"gatehouse listening"', options.listeners ?? 1), START_TIMEOUT_MS);
  return { url, process: served };
}

/** Stops an instance with SIGTERM and checks it stopped cleanly. */
export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (instance === undefined || instance.process.child.exitCode !== null) return;
  instance.process.child.kill('SIGTERM');
  assert.equal(await instance.process.exited(), 0, instance.process.output());
}

/** The claims of a JWT, unverified: for tests that only need to know which family a token belongs to. */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface RaceOutcome {
  readonly status: number;
  readonly body: { readonly error?: string; readonly access_token?: string; readonly refresh_token?: string };
}

/** Sends `count` requests at once, the i-th through `send(i)`, and reads every answer. */
export async function race(count: number, send: (index: number) => Promise<Response>): Promise<RaceOutcome[]> {
  const responses = await Promise.all(Array.from({ length: count }, (_, index) => send(index)));
  return Promise.all(responses.map(async (response) => ({ status: response.status, body: (await response.json()) as RaceOutcome['body'] })));
}

/** Exactly one winner; every other attempt refused with invalid_grant. Returns the winner. */
export function assertOneWinner(outcomes: readonly RaceOutcome[]): RaceOutcome {
  const winners = outcomes.filter((outcome) => outcome.status === 200);
  assert.equal(winners.length, 1, JSON.stringify(outcomes.map((outcome) => outcome.status)));
  assert.ok(outcomes.every((outcome) => outcome.status === 200 || outcome.body.error === 'invalid_grant'), JSON.stringify(outcomes));
  return winners[0]!;
}
