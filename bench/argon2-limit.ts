// The password-hash-bound limit: argon2id hashes per second that @node-rs/argon2 does alone on one core with the
// parameters Gatehouse uses (m=19 MiB, t=2, p=1). The runner starts it pinned to the servers' CPU and reads its JSON line.
// Usage: taskset -c 0 node --import tsx bench/argon2-limit.ts [seconds=3]
import { hashSync, type Algorithm } from '@node-rs/argon2';

const ARGON2ID = 2 as Algorithm;
const PARAMETERS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const seconds = Number(process.argv[2] ?? 3);

hashSync('warm-up password', PARAMETERS);
let hashes = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const deadline = started + seconds * 1000;
while (performance.now() < deadline) {
  hashSync(`bench password ${hashes}`, PARAMETERS);
  hashes += 1;
}
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// Per CPU-second as well as per second: on a shared machine the core is not always ours, the CPU time is.
process.stdout.write(`${JSON.stringify({ hashesPerSecond: hashes / elapsed, hashesPerCpuSecond: hashes / cpuSeconds, hashes })}\n`);
