// Storage calls as child spans of the request that made them, and timed for the metrics (`<repository>.<method>`).
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME, ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { Store } from '../store/store.js';

export interface StoreInstrumentation {
  /** Undefined when tracing is off: then no span object is ever made, and only `onOperation` runs. */
  readonly tracer: Tracer | undefined;
  /**
   * Called once per repository call, succeeded or failed, with its operation name and duration in seconds (never for
   * a transaction as a whole: its calls are reported). If it throws, the call's outcome stands and nothing is reported.
   */
  readonly onOperation?: (operation: string, seconds: number) => void;
}

/** Runs a storage call (or a transaction) named `operation`, with whatever instrumentation surrounds it. */
type Wrap = <T>(operation: string, call: () => Promise<T>) => Promise<T>;

interface Wrappers {
  /** A repository method: spanned and timed. */
  readonly call: Wrap;
  /** A transaction: spanned only, as its time is its calls' time (reported on their own) plus the commit. */
  readonly transaction: Wrap;
}

const direct: Wrap = (_operation, call) => call();

/**
 * `store` with every repository method timed for `onOperation` (`<repository>.<method>`, the catalogue's operation
 * names) and, with a tracer, each call a span named so, nested in a `transaction` span when made in one. With neither
 * a tracer nor a callback, `store` itself.
 */
export function instrumentStore<S extends Store>(store: S, instrumentation: StoreInstrumentation): S {
  const { tracer, onOperation } = instrumentation;
  if (tracer === undefined && onOperation === undefined) return store;
  const span = tracer === undefined ? direct : spanned(tracer, store.engine);
  const time = onOperation === undefined ? direct : measured(onOperation);
  // The proxy keeps every repository the store has, so it is the same kind of store (sealed or not).
  return wrapStore(store, { call: (operation, call) => span(operation, () => time(operation, call)), transaction: span }) as S;
}

function wrapStore(store: Store, wrap: Wrappers): Store {
  const repositories = new Map<string, object>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'transaction') {
        return <T>(fn: (inner: Store) => Promise<T>) => wrap.transaction('transaction', () => target.transaction((inner) => fn(wrapStore(inner, wrap))));
      }
      // ping and close stay as they are (bound, as the proxy is not the store); so does `engine`.
      if (typeof value === 'function') return (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof property !== 'string' || typeof value !== 'object' || value === null) return value;
      let repository = repositories.get(property);
      if (repository === undefined) repositories.set(property, (repository = wrapRepository(property, value, wrap.call)));
      return repository;
    },
  });
}

function wrapRepository(name: string, repository: object, wrap: Wrap): object {
  const methods = new Map<string, unknown>();
  return new Proxy(repository, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      let method = methods.get(property);
      if (method === undefined) {
        const operation = `${name}.${property}`;
        methods.set(property, (method = (...args: unknown[]) => wrap(operation, () => Promise.resolve(value.apply(target, args)))));
      }
      return method;
    },
  });
}

function measured(onOperation: NonNullable<StoreInstrumentation['onOperation']>): Wrap {
  return async (operation, call) => {
    const started = performance.now();
    try {
      return await call();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      try {
        onOperation(operation, seconds);
      } catch {
        // A metric that cannot be recorded is lost: the storage call it measured (maybe committed) stands as it ended.
      }
    }
  };
}

function spanned(tracer: Tracer, engine: Store['engine']): Wrap {
  const system = engine === 'postgres' ? 'postgresql' : 'sqlite';
  return (operation, call) => {
    // Only inside a request that is traced and sampled: background work (sweeps, key rotation, deliveries) and
    // requests the sampler left out make no span object at all (a child of an unsampled span would not be kept).
    const parent = context.active();
    if (trace.getSpan(parent)?.isRecording() !== true) return call();
    const attributes = { [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_SYSTEM_NAME]: system };
    const span = tracer.startSpan(operation, { kind: SpanKind.CLIENT, attributes }, parent);
    return context.with(trace.setSpan(parent, span), call).then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        // The error's class only: a driver's message can quote the values of the statement.
        const type = error instanceof Error ? error.name : 'unknown';
        span.setAttribute(ATTR_ERROR_TYPE, type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: type });
        span.end();
        throw error;
      },
    );
  };
}
