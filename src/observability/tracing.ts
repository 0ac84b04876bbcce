// OpenTelemetry tracing: spans exported over OTLP/HTTP in batches, and nothing at all (no provider, no spans) unless
// `tracing.otlpEndpoint` is set or a test hands in its own exporter. The SDK and the OTLP exporter are loaded only
// then: every process that does not trace is spared about 10 MiB of memory.
import type { Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Config } from '../config/schema.js';

export interface Tracing {
  /** Undefined when tracing is off: then nothing creates a span. */
  readonly tracer: Tracer | undefined;
  /** Exports the spans still queued; never takes much longer than `tracing.exportTimeout`, whatever the collector does. */
  shutdown(): Promise<void>;
}

const TRACING_OFF: Tracing = { tracer: undefined, shutdown: () => Promise.resolve() };

/**
 * Starts tracing when `settings.otlpEndpoint` is set, or with `exporter` (tests: an in-memory exporter, each span
 * handed over as it ends); otherwise returns TRACING_OFF.
 */
export async function startTracing(settings: Config['tracing'], exporter?: SpanExporter): Promise<Tracing> {
  const exportTo = exporter ?? settings.otlpEndpoint;
  if (exportTo === undefined) return TRACING_OFF;
  const { startTracerProvider } = await import('./tracer-provider.js');
  return startTracerProvider(settings, exportTo);
}
