// Overload (issue 10): 512 clients in a closed loop for 10 s against one process with the default load-shedding
// bounds. Nothing hangs, nothing fails but with a 503, and /healthz answers throughout. Not part of `npm test`: its 5 s
// bound assumes the machine to itself, not shared with three other test files, so `npm run test:load` runs it alone
// (CI runs it after the suite).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, startGrant } from '../support/flow-fixtures.js';
import { PROJECT_ROOT } from '../support/project-root.js';
import { useTestServer } from '../support/server.js';
import type { OverloadReport, OverloadTask } from './overload-worker.js';

// The client beside this module: its TypeScript source through tsx, or its compiled twin when the tests run compiled.
const COMPILED = !fileURLToPath(import.meta.url).endsWith('.ts');
const WORKER = join(import.meta.dirname, COMPILED ? 'overload-worker.js' : 'overload-worker.ts');

function runOverload(task: OverloadTask): Promise<OverloadReport> {
  const child = spawn(process.execPath, [...(COMPILED ? [] : ['--import', 'tsx']), WORKER], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, OVERLOAD_TASK: JSON.stringify(task) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(output) as OverloadReport) : reject(new Error(`overload client exited with ${code}`))));
  });
}

forEachEngine((engine) => {
  describe(`overload (${engine.name})`, () => {
    // The default bounds, not the test support's relaxed event-loop bound.
    const suite = useTestServer(engine, { GATEHOUSE_LOAD_SHEDDING_MAX_EVENT_LOOP_DELAY: String(configSchema.shape.loadShedding.parse(undefined).maxEventLoopDelay) });

    it('sheds with 503s under 512 concurrent clients, answers every request within 5 s and keeps /healthz answering', async () => {
      const { server } = suite;
      const api = await createApi(server);
      const service = await createServiceClient(server, [api]);
      const { tokens } = await startGrant(server);
      const report = await runOverload({
        url: server.url,
        workers: 512,
        durationMs: 10_000,
        timeoutMs: 5000,
        basicAuthorization: basicAuthorization(service.client.clientId, service.secret!),
        resource: api.identifier,
        accessToken: tokens.access_token,
      });
      const summary = JSON.stringify(report);
      assert.equal(report.timeouts, 0, `no request hangs past its 5 s bound: ${summary}`);
      assert.deepEqual(report.failures, [], summary);
      const serverErrors = Object.keys(report.statuses).filter((status) => Number(status) >= 500 && status !== '503');
      assert.deepEqual(serverErrors, [], `no 5xx but 503: ${summary}`);
      assert.ok((report.statuses['503'] ?? 0) > 0, `the load went past the bounds: ${summary}`);
      assert.ok((report.statuses['200'] ?? 0) > 0, `admitted requests are answered: ${summary}`);
      assert.deepEqual(Object.keys(report.health), ['200'], `/healthz answers 200 throughout: ${summary}`);
      console.log(`overload (${engine.name}): ${summary}`);
    });
  });
});
