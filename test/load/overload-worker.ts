// The client side of the overload test, in a process of its own so it does not share the server's event loop: a
// closed loop of workers over a mix of cheap endpoints, and a health poller, for a fixed time; prints what it saw.
import { Agent, request } from 'undici';

export interface OverloadTask {
  readonly url: string;
  readonly workers: number;
  readonly durationMs: number;
  /** Every request gives up after this long: a request that reaches it hung. */
  readonly timeoutMs: number;
  readonly basicAuthorization: string;
  readonly resource: string;
  readonly accessToken: string;
}

export interface OverloadReport {
  /** Answers by status code, over every request of the mix. */
  readonly statuses: Record<string, number>;
  /** Requests that reached the timeout, and other failures (a reset connection), by message. */
  readonly timeouts: number;
  readonly failures: readonly string[];
  /** /healthz answers by status, polled throughout. */
  readonly health: Record<string, number>;
  /** Latency of the answered requests, in milliseconds: for the person reading the report, never asserted. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
}

const task = JSON.parse(process.env.OVERLOAD_TASK ?? '{}') as OverloadTask;
const dispatcher = new Agent({ connections: task.workers + 1, keepAliveTimeout: 30_000 });
const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: task.basicAuthorization };
const clientCredentials = new URLSearchParams({ grant_type: 'client_credentials', resource: task.resource }).toString();

const MIX = [
  () => ({ method: 'POST' as const, path: '/token', headers: form, body: clientCredentials }),
  () => ({ method: 'GET' as const, path: '/userinfo', headers: { authorization: `Bearer ${task.accessToken}` } }),
  () => ({ method: 'GET' as const, path: '/.well-known/openid-configuration', headers: {} }),
  () => ({ method: 'GET' as const, path: '/jwks', headers: {} }),
];

const statuses: Record<string, number> = {};
const health: Record<string, number> = {};
const failures: string[] = [];
const latencies: number[] = [];
let timeouts = 0;

async function send(options: ReturnType<(typeof MIX)[number]>, counts: Record<string, number>): Promise<void> {
  const started = performance.now();
  try {
    const { path, ...rest } = options;
    const response = await request(`${task.url}${path}`, { ...rest, dispatcher, signal: AbortSignal.timeout(task.timeoutMs) });
    await response.body.dump();
    counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1;
    latencies.push(performance.now() - started);
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') timeouts++;
    else failures.push((error as Error).message);
  }
}

async function worker(index: number, until: number): Promise<void> {
  for (let turn = index; performance.now() < until; turn++) await send(MIX[turn % MIX.length]!(), statuses);
}

async function pollHealth(until: number): Promise<void> {
  while (performance.now() < until) {
    await send({ method: 'GET', path: '/healthz', headers: {} }, health);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const until = performance.now() + task.durationMs;
await Promise.all([...Array.from({ length: task.workers }, (_, index) => worker(index, until)), pollHealth(until)]);
await dispatcher.close();
latencies.sort((a, b) => a - b);
const at = (share: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? 0);
const report: OverloadReport = { statuses, timeouts, failures: [...new Set(failures)], health, latency: { p50: at(0.5), p99: at(0.99), max: at(1) } };
process.stdout.write(JSON.stringify(report));
