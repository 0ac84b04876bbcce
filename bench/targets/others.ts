// The other two servers: node-oidc-provider (bench/servers/oidc-provider.ts) and the bare node:http ceiling.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Material } from '../material.js';
import { cleanEnvironment, freePort, startPinnedServer } from './server-process.js';
import { inMemoryTarget, type Target } from './target.js';

const script = (name: string): string => fileURLToPath(new URL(`../servers/${name}`, import.meta.url));
// The repository root, where `--import tsx` resolves.
const root = fileURLToPath(new URL('../..', import.meta.url));

async function startScript(name: 'node-oidc-provider' | 'node:http', file: string, material: Material): Promise<Target> {
  const folder = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const materialFile = join(folder, 'material.json');
  writeFileSync(materialFile, JSON.stringify(material));
  const port = await freePort();
  const server = await startPinnedServer({
    args: ['--import', 'tsx', script(file)],
    env: cleanEnvironment({ BENCH_PORT: String(port), BENCH_MATERIAL: materialFile, NODE_ENV: 'production' }),
    cwd: root, port, readyPath: '/.well-known/openid-configuration', logFile: join(folder, 'server.log'),
  });
  const target = inMemoryTarget(name, server);
  return { ...target, stop: async () => { await target.stop(); rmSync(folder, { recursive: true, force: true }); } };
}

export const startOidcProvider = (material: Material): Promise<Target> => startScript('node-oidc-provider', 'oidc-provider.ts', material);
export const startHttpCeiling = (material: Material): Promise<Target> => startScript('node:http', 'http-ceiling.ts', material);
