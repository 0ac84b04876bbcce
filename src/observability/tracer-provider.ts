// The OpenTelemetry SDK side of tracing (src/observability/tracing.ts loads it only when tracing is on): the tracer
// provider, its sampler, and the batched OTLP/HTTP export with a bounded shutdown.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config/schema.js';
import type { Tracing } from './tracing.js';

// Spans nest along async calls (request, then its storage calls) only through the API's one context manager. It is
// process-wide by design of @opentelemetry/api, so it is installed once and left in place for any other instance.
let contextManagerInstalled = false;

function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

function otlpProcessor(endpoint: string, exportTimeout: number): SpanProcessor {
  const exporter = new OTLPTraceExporter({ url: endpoint, timeoutMillis: exportTimeout });
  // A bounded queue: while the collector is down or slow, spans beyond it are dropped, never buffered without end.
  return new BatchSpanProcessor({ exporter, exportTimeoutMillis: exportTimeout });
}

/** A tracer provider exporting to an OTLP endpoint URL, or through an exporter of a test's, each span as it ends. */
export function startTracerProvider(settings: Config['tracing'], exportTo: string | SpanExporter): Tracing {
  const { exportTimeout } = settings;
  const processor = typeof exportTo === 'string' ? otlpProcessor(exportTo, exportTimeout) : new SimpleSpanProcessor({ exporter: exportTo });
  installContextManager();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    // A storage span follows its request's decision, so a trace is whole or absent.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [processor],
    forceFlushTimeoutMillis: exportTimeout,
  });
  return { tracer: provider.getTracer('gatehouse'), shutdown: () => withinTimeout(provider.shutdown(), exportTimeout) };
}

// The exporter's own timeout bounds each request; this bounds the whole shutdown, retries included.
const SHUTDOWN_GRACE_MS = 1000;

function withinTimeout(shutdown: Promise<void>, exportTimeout: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, exportTimeout + SHUTDOWN_GRACE_MS).unref();
  });
  // A collector that hangs or refuses fails the last export: those spans are lost, and shutdown goes on.
  return Promise.race([shutdown.catch(() => undefined), deadline]).finally(() => clearTimeout(timer));
}
