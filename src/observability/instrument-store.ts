// Storage calls as child spans of the request that made them, and timed for the metrics (`<repository>.<method>`).
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME, ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { Store } from '../store/store.js';

export interface StoreInstrumentation {
  /** Undefined when tracing is off: then no span object is ever made, and only `onOperation` runs. */
  readonly tracer: Tracer | undefined;
  /** Called once per storage call, succeeded or failed, with its operation name and duration in seconds. */
  readonly onOperation?: (operation: string, seconds: number) => void;
}

type Timed = <T>(operation: string, call: () => Promise<T>) => Promise<T>;

/**
 * `store` with every repository method and `transaction` timed and, with a tracer, each call a span named
 * `<repository>.<method>` (`transaction` for a transaction, whose own store is instrumented the same way). With
 * neither a tracer nor a callback, `store` itself.
 */
export function instrumentStore(store: Store, instrumentation: StoreInstrumentation): Store {
  const { tracer, onOperation } = instrumentation;
  if (tracer === undefined && onOperation === undefined) return store;
  const timed: Timed = tracer === undefined ? measured(onOperation) : traced(tracer, store.engine, onOperation);
  return wrapStore(store, timed);
}

function wrapStore(store: Store, timed: Timed): Store {
  const repositories = new Map<string, object>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'transaction') {
        return <T>(fn: (inner: Store) => Promise<T>) => timed('transaction', () => target.transaction((inner) => fn(wrapStore(inner, timed))));
      }
      // ping and close stay as they are (bound, as the proxy is not the store); so does `engine`.
      if (typeof value === 'function') return (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof property !== 'string' || typeof value !== 'object' || value === null) return value;
      let repository = repositories.get(property);
      if (repository === undefined) repositories.set(property, (repository = wrapRepository(property, value, timed)));
      return repository;
    },
  });
}

function wrapRepository(name: string, repository: object, timed: Timed): object {
  const methods = new Map<string, unknown>();
  return new Proxy(repository, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      let method = methods.get(property);
      if (method === undefined) {
        const operation = `${name}.${property}`;
        methods.set(property, (method = (...args: unknown[]) => timed(operation, () => Promise.resolve(value.apply(target, args)))));
      }
      return method;
    },
  });
}

function measured(onOperation: StoreInstrumentation['onOperation']): Timed {
  return async (operation, call) => {
    const started = performance.now();
    try {
      return await call();
    } finally {
      onOperation?.(operation, (performance.now() - started) / 1000);
    }
  };
}

function traced(tracer: Tracer, engine: Store['engine'], onOperation: StoreInstrumentation['onOperation']): Timed {
  const system = engine === 'postgres' ? 'postgresql' : 'sqlite';
  const time = measured(onOperation);
  return (operation, call) => {
    // Only inside a traced request: background work (sweeps, key rotation, deliveries) is timed, not traced.
    const parent = context.active();
    if (trace.getSpan(parent) === undefined) return time(operation, call);
    const attributes = { [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_SYSTEM_NAME]: system };
    const span = tracer.startSpan(operation, { kind: SpanKind.CLIENT, attributes }, parent);
    return time(operation, () => context.with(trace.setSpan(parent, span), call)).then(
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
