// Benchmarks the foundation endpoints of a real Gatehouse process (built dist, dev mode, fresh data folder).
// Usage: npm run build && node --import tsx bench/foundation.ts [seconds=5] [concurrency=32]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './load.js';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 32);
const port = 4700 + Math.floor(Math.random() * 200);
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const entry = fileURLToPath(new URL('../dist/src/cli/index.js', import.meta.url));
const server = spawn(process.execPath, [entry, 'serve', '--dev'], {
  env: { ...process.env, GATEHOUSE_PORT: String(port), GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Discovery:') && resolve());
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  for (const path of ['/healthz', '/readyz', '/jwks', '/.well-known/openid-configuration']) {
    await runLoad(base, path, 1, concurrency); // warm-up
    const result = await runLoad(base, path, seconds, concurrency);
    console.log(
      `${path.padEnd(36)} ${String(result.perSecond).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  errors ${result.errors}`,
    );
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
