// The OpenTelemetry SDK and OTLP exporter are loaded only when tracing is on: a process that does not trace is spared
// their memory and start-up.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { modulesLoadedBy, projectModule } from '../support/loaded-modules.js';

const SDK = /@opentelemetry\/(sdk-trace|exporter-trace-otlp-http)\//;
const SETTINGS = { serviceName: 'gatehouse', sampleRatio: 1, exportTimeout: 1000 };

function modulesLoadedStarting(settings: Record<string, unknown>): Promise<string[]> {
  return modulesLoadedBy(
    `const { startTracing } = await import(${JSON.stringify(projectModule('src/observability/tracing.js'))});\n` +
      `await (await startTracing(${JSON.stringify(settings)})).shutdown();`,
  );
}

it('loads the OpenTelemetry SDK only when tracing is on', async () => {
  assert.deepEqual((await modulesLoadedStarting(SETTINGS)).filter((url) => SDK.test(url)), []);
  const tracingOn = await modulesLoadedStarting({ ...SETTINGS, otlpEndpoint: 'http://127.0.0.1:1/v1/traces' });
  assert.ok(tracingOn.some((url) => SDK.test(url)), 'with an endpoint the SDK is loaded: the check can see it');
});
