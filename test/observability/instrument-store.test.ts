// instrumentStore: every repository call and transaction timed for the metrics callback and, inside a traced request,
// a child span named <repository>.<method>; nothing at all when neither is asked for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { instrumentStore } from '../../src/observability/instrument-store.js';
import { startTracing } from '../../src/observability/tracing.js';
import { DuplicateError } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient } from '../store/fixtures.js';

const SETTINGS = { otlpEndpoint: undefined, serviceName: 'gatehouse-test', sampleRatio: 1, exportTimeout: 1000 };

/** Runs `fn` inside a span, as a request's storage calls run inside the request's span. */
function inRequestSpan<T>(tracer: Tracer, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan('request', async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

forEachEngine((engine) => {
  describe(`instrumentStore (${engine.name})`, () => {
    const current = useTestStore(engine);

    it('is the store itself when there is neither a tracer nor a callback', () => {
      const { store } = current();
      assert.equal(instrumentStore(store, { tracer: undefined }), store);
    });

    it('reports every repository call by operation name, inside transactions too, failures included, never a transaction', async () => {
      const operations: Array<[string, number]> = [];
      const store = instrumentStore(current().store, { tracer: undefined, onOperation: (operation, seconds) => operations.push([operation, seconds]) });
      const client = aClient();
      await store.transaction(async (inner) => inner.clients.create(client));
      assert.equal((await store.clients.findById(client.clientId))?.clientId, client.clientId);
      await assert.rejects(store.clients.create(client), DuplicateError);
      assert.deepEqual(operations.map(([operation]) => operation), ['clients.create', 'clients.findById', 'clients.create'], 'a transaction is its calls: no `transaction` operation');
      assert.ok(operations.every(([, seconds]) => Number.isFinite(seconds) && seconds >= 0));
      assert.equal(store.engine, engine.name, 'other members pass through');
      await store.ping();
    });

    it('makes a child span per call of a traced request, nested in its transaction, and records failures by class only', async () => {
      const exporter = new InMemorySpanExporter();
      const { tracer } = await startTracing(SETTINGS, exporter);
      assert.ok(tracer);
      const operations: string[] = [];
      const store = instrumentStore(current().store, { tracer, onOperation: (operation) => operations.push(operation) });
      const client = aClient();
      await inRequestSpan(tracer, async () => {
        await store.transaction(async (inner) => inner.clients.create(client));
        await assert.rejects(store.clients.create(client), DuplicateError);
      });
      const spans = exporter.getFinishedSpans();
      const byName = (name: string) => spans.filter((span) => span.name === name);
      const [request] = byName('request');
      const [transaction] = byName('transaction');
      const [created, duplicate] = byName('clients.create');
      assert.ok(request && transaction && created && duplicate);
      assert.equal(transaction.parentSpanContext?.spanId, request.spanContext().spanId);
      assert.equal(created.parentSpanContext?.spanId, transaction.spanContext().spanId, 'a call in a transaction nests in it');
      assert.equal(duplicate.parentSpanContext?.spanId, request.spanContext().spanId);
      assert.equal(created.attributes['db.operation.name'], 'clients.create');
      assert.equal(created.attributes['db.system.name'], engine.name === 'postgres' ? 'postgresql' : 'sqlite');
      assert.deepEqual([duplicate.status, duplicate.attributes['error.type'], duplicate.events], [{ code: SpanStatusCode.ERROR, message: 'DuplicateError' }, 'DuplicateError', []]);
      assert.deepEqual(operations, ['clients.create', 'clients.create'], 'the callback runs with tracing on too, for calls only');
    });

    it('makes no span for a call outside any request (sweeps, key rotation), timing it all the same', async () => {
      const exporter = new InMemorySpanExporter();
      const { tracer } = await startTracing(SETTINGS, exporter);
      const operations: string[] = [];
      const store = instrumentStore(current().store, { tracer, onOperation: (operation) => operations.push(operation) });
      await store.clients.list();
      assert.deepEqual(exporter.getFinishedSpans(), []);
      assert.deepEqual(operations, ['clients.list']);
    });

    it('makes no span object for a call of a request the sampler left out, timing it all the same', async () => {
      const exporter = new InMemorySpanExporter();
      const { tracer } = await startTracing({ ...SETTINGS, sampleRatio: 0 }, exporter);
      assert.ok(tracer);
      let started = 0;
      const counting: Tracer = {
        startSpan: (...args: Parameters<Tracer['startSpan']>) => ((started += 1), tracer.startSpan(...args)),
        startActiveSpan: tracer.startActiveSpan.bind(tracer),
      };
      const operations: string[] = [];
      const store = instrumentStore(current().store, { tracer: counting, onOperation: (operation) => operations.push(operation) });
      await inRequestSpan(tracer, async () => {
        await store.transaction(async (inner) => inner.clients.list());
        await store.clients.list();
      });
      assert.deepEqual(exporter.getFinishedSpans(), []);
      assert.equal(started, 0, 'no span started under an unsampled request');
      assert.deepEqual(operations, ['clients.list', 'clients.list']);
    });

    it('keeps a storage call as it ended when the metrics callback throws', async () => {
      let calls = 0;
      const onOperation = () => {
        calls += 1;
        throw new Error('metric registry broken');
      };
      const store = instrumentStore(current().store, { tracer: undefined, onOperation });
      const client = aClient();
      await store.transaction(async (inner) => inner.clients.create(client));
      assert.equal((await current().store.clients.findById(client.clientId))?.clientId, client.clientId, 'committed, and answered as such');
      await assert.rejects(store.clients.create(client), DuplicateError, 'a failed call fails with its own error');
      assert.equal(calls, 2);
    });
  });
});
