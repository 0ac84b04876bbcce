// The OpenTelemetry SDK and OTLP exporter are loaded only when tracing is on: a process that does not trace is spared
// their memory and start-up. Checked in a process of its own, which reports every module it loads.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { it } from 'node:test';
import { promisify } from 'node:util';

const TRACING_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/observability/tracing.js')).href;
const SDK = /@opentelemetry\/(sdk-trace|exporter-trace-otlp-http)\//;

/** The URLs of every module a fresh process loads while it starts tracing with `settings`. */
async function modulesLoadedStarting(settings: Record<string, unknown>): Promise<string[]> {
  const folder = mkdtempSync(join(tmpdir(), 'gatehouse-tracing-'));
  const hooks = join(folder, 'hooks.mjs');
  writeFileSync(hooks, 'export async function load(url, context, next) { process.stderr.write(`loaded ${url}\\n`); return next(url, context); }\n');
  const script = [
    `import { register } from 'node:module';`,
    `register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    `const { startTracing } = await import(${JSON.stringify(TRACING_MODULE)});`,
    `await (await startTracing(${JSON.stringify(settings)})).shutdown();`,
  ].join('\n');
  const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return stderr.split('\n').flatMap((line) => (line.startsWith('loaded ') ? [line.slice('loaded '.length)] : []));
}

const SETTINGS = { serviceName: 'gatehouse', sampleRatio: 1, exportTimeout: 1000 };

it('loads the OpenTelemetry SDK only when tracing is on', async () => {
  assert.deepEqual((await modulesLoadedStarting(SETTINGS)).filter((url) => SDK.test(url)), []);
  const tracingOn = await modulesLoadedStarting({ ...SETTINGS, otlpEndpoint: 'http://127.0.0.1:1/v1/traces' });
  assert.ok(tracingOn.some((url) => SDK.test(url)), 'with an endpoint the SDK is loaded: the check can see it');
});
