// Benchmarks the token endpoint of a real Gatehouse process (built dist, SQLite): code redemption, then refresh rotation.
// Usage: npm run build && node --import tsx bench/token.ts [seconds=5] [concurrency=16]
import { spawn } from 'node:child_process';
import { systemClock } from '../src/clock.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientRegistrationService } from '../src/clients/registration.js';
import { EventBus } from '../src/observability/events.js';
import { openStore } from '../src/store/open.js';
import { generateOpaqueValue, hashOpaqueValue } from '../src/tokens/opaque.js';
import { UserService } from '../src/users/service.js';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 16);
const CODES = 3000;
const REDIRECT_URI = 'https://client.example/callback';
const port = 4900 + Math.floor(Math.random() * 90);
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const now = () => Math.floor(Date.now() / 1000);

const store = await openStore({ databaseUrl: undefined, dataDir });
const events = new EventBus(() => undefined);
const context = { actor: 'bench' };
const { client, clientSecret } = await new ClientRegistrationService({ store, events, context, clientSecretGracePeriod: 0, clock: systemClock }).create({
  clientName: 'Bench',
  redirectUris: [REDIRECT_URI],
  grantTypes: ['authorization_code', 'refresh_token'],
  scope: 'openid profile email offline_access',
});
const user = await new UserService({ store, events, context, clock: systemClock }).create({ username: 'bench', password: 'bench password 1234' });
const codes: string[] = [];
for (let i = 0; i < CODES; i += 1) {
  const code = generateOpaqueValue(32);
  codes.push(code);
  await store.authorizationCodes.create({
    codeHash: hashOpaqueValue(code), clientId: client.clientId, userId: user.userId, sessionId: `sid-${i}`, redirectUri: REDIRECT_URI,
    redirectUriSent: true, scope: 'openid profile email offline_access', codeChallenge: challenge, codeChallengeMethod: 'S256',
    nonce: null, authTime: now(), resources: [], apiScope: '', dpopJkt: null, flowId: null, createdAt: now(), expiresAt: now() + 600, consumedAt: null,
  });
}
await store.close();

const entry = fileURLToPath(new URL('../dist/src/cli/index.js', import.meta.url));
const server = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF] : []), entry, 'serve'], {
  env: {
    ...process.env, GATEHOUSE_PORT: String(port), GATEHOUSE_ISSUER: `http://127.0.0.1:${port}`, GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_KEYS_ENCRYPTION_SECRET: 'bench-key-encryption-secret-0123456789abcdef', GATEHOUSE_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const authorization = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`;
const token = async (body: Record<string, string>) => {
  const response = await fetch(`http://127.0.0.1:${port}/token`, { method: 'POST', headers: { authorization }, body: new URLSearchParams(body) });
  return { status: response.status, body: (await response.json()) as { refresh_token?: string } };
};

async function measure(name: string, work: () => Promise<boolean>, deadline: number): Promise<void> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const more = await work().catch(() => ((errors += 1), true));
      if (!more) return;
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies[Math.floor(q * (latencies.length - 1))] ?? 0).toFixed(2);
  console.log(`${name.padEnd(22)} ${Math.round(latencies.length / elapsed)} req/s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  errors ${errors}`);
}

try {
  for (let attempt = 0; ; attempt += 1) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (attempt > 100) throw new Error('server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const refreshTokens: string[] = [];
  await measure('authorization_code', async () => {
    const code = codes.pop();
    if (code === undefined) return false;
    const { status, body } = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    if (status !== 200 || !body.refresh_token) throw new Error(`status ${status}`);
    refreshTokens.push(body.refresh_token);
    return true;
  }, performance.now() + seconds * 1000);
  await measure('refresh_token', async () => {
    const current = refreshTokens.pop();
    if (current === undefined) return false;
    const { status, body } = await token({ grant_type: 'refresh_token', refresh_token: current });
    if (status !== 200 || !body.refresh_token) throw new Error(`status ${status}`);
    refreshTokens.unshift(body.refresh_token);
    return true;
  }, performance.now() + seconds * 1000);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
