// `node --import tsx bench/profile-summary.ts PROFILE [OPS_PER_CPU_SECOND]`: where a Gatehouse server's CPU went, from
// a V8 CPU profile written under BENCH_CPU_PROF, as shares of the last 10 s (the measured run, not the preparation).
// A sample counts for the first category any frame of its stack matches, so a SQL statement run from the grant code
// counts as SQLite, not as the grant. With the operations per CPU-second of that run, it also prints µs per operation.
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame; readonly children?: readonly number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const MEASURED_WINDOW_US = 10_000_000;

const CATEGORIES: readonly (readonly [string, (frame: CallFrame) => boolean])[] = [
  ['idle', (frame) => frame.functionName === '(idle)'],
  ['garbage collection', (frame) => frame.functionName === '(garbage collector)'],
  ['SQLite: commits', (frame) => frame.functionName === 'commitTransaction' && frame.url.includes('sqlite-driver')],
  ['SQLite: statements', (frame) => frame.url.includes('sqlite-driver') || frame.url.includes('better-sqlite3')],
  ['JWT signing', (frame) => frame.functionName === 'signOneShot'],
  ['JWT signature verification', (frame) => frame.functionName === 'verifyOneShot'],
  ['refresh retry response sealing', (frame) => frame.functionName === 'seal' && frame.url.includes('refresh-retry')],
  ['request log (pino)', (frame) => /\/(pino|sonic-boom)\//.test(frame.url)],
  ['metrics (prom-client)', (frame) => frame.url.includes('/prom-client/')],
  ['socket writes', (frame) => frame.functionName === 'writev' || frame.functionName === 'writevGeneric'],
  ['Kysely (query plumbing)', (frame) => frame.url.includes('/kysely/')],
  ['HTTP parsing, Fastify routing and hooks', (frame) => /\/(fastify|find-my-way|@fastify)\/|node:_http_/.test(frame.url)],
  ['Gatehouse code (the rest)', (frame) => frame.url.includes('/dist/src/')],
];

function stacksOf(profile: CpuProfile): (id: number) => CallFrame[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  return (id) => {
    const frames: CallFrame[] = [];
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) frames.push(byId.get(current)!.callFrame);
    return frames;
  };
}

function summarise(profile: CpuProfile): Map<string, number> {
  const stackOf = stacksOf(profile);
  let elapsed = 0;
  const ends = profile.timeDeltas.map((delta) => (elapsed += delta));
  const from = elapsed - MEASURED_WINDOW_US;
  const spent = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    if (ends[index]! < from) return;
    const frames = stackOf(id);
    const category = CATEGORIES.find(([, matches]) => frames.some(matches))?.[0] ?? 'other (Node internals)';
    spent.set(category, (spent.get(category) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return spent;
}

const [file, opsText] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node --import tsx bench/profile-summary.ts PROFILE.cpuprofile [OPS_PER_CPU_SECOND]');
  process.exit(2);
}
const spent = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
const total = [...spent.values()].reduce((sum, value) => sum + value, 0);
const microsecondsPerOp = opsText === undefined ? undefined : 1e6 / Number(opsText);
for (const [category, value] of [...spent].sort((a, b) => b[1] - a[1])) {
  const share = value / total;
  const perOp = microsecondsPerOp === undefined ? '' : `${Math.round(share * microsecondsPerOp).toString().padStart(6)} µs/op  `;
  console.log(`${(100 * share).toFixed(1).padStart(5)} %  ${perOp}${category}`);
}
