// Fixed-shape queries built and compiled once per database, then run with each call's values: the hot paths skip Kysely's per-call building.
import { randomUUID } from 'node:crypto';
import { NoResultError, type Compilable, type CompiledQuery, type DeleteResult, type InsertResult, type QueryNode, type UpdateResult } from 'kysely';
import type { Db } from './transaction.js';

/** Stands for the named parameter while a query is built; each run puts that call's value in its place. */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

type WriteResult = InsertResult | UpdateResult | DeleteResult;

/** What the rows of a query are: a write without RETURNING has none. */
export type PreparedRow<O> = O extends WriteResult ? never : O;

/** Where each compiled parameter's value comes from: the call's parameter of that name, or the constant the query bound. */
type Slot = { readonly name: string } | { readonly constant: unknown };

interface Plan<O> {
  readonly compiled: CompiledQuery<O>;
  readonly slots: readonly Slot[];
}

/** Thrown when a query cannot be prepared: a parameter the build asked for is missing from the SQL or altered in it. */
export class UnpreparableQueryError extends Error {
  override readonly name = 'UnpreparableQueryError';
}

function containsMarker(value: unknown, marker: string): boolean {
  if (typeof value === 'string') return value.includes(marker);
  return typeof value === 'object' && value !== null && JSON.stringify(value).includes(marker);
}

/**
 * Builds the query with a unique stand-in value per parameter, compiles it, and records which compiled parameter
 * positions carry which named parameter. A stand-in Kysely wrote into the SQL text or changed on the way (JSON,
 * concatenation) would make later runs bind the wrong thing, so those are refused, as is a parameter that vanished.
 */
function compilePlan<P, O>(db: Db, build: (db: Db, param: Param<P>) => Compilable<O>): Plan<O> {
  const marker = `\u0000gatehouse-parameter:${randomUUID()}:`;
  const requested = new Set<string>();
  const param = ((name: string) => {
    requested.add(name);
    return `${marker}${name}`;
  }) as Param<P>;
  const compiled = build(db, param).compile();
  const unbound = new Set(requested);
  const slots = compiled.parameters.map((value): Slot => {
    const name = typeof value === 'string' && value.startsWith(marker) ? value.slice(marker.length) : undefined;
    if (name !== undefined && requested.has(name)) {
      unbound.delete(name);
      return { name };
    }
    if (containsMarker(value, marker)) throw new UnpreparableQueryError('a query parameter was transformed before it reached the SQL');
    return { constant: value };
  });
  if (compiled.sql.includes(marker)) throw new UnpreparableQueryError('a query parameter was written into the SQL text');
  const [missing] = unbound;
  if (missing !== undefined) throw new UnpreparableQueryError(`query parameter ${missing} does not appear in the compiled query`);
  return { compiled, slots };
}

/**
 * A query whose SQL does not vary between calls (no optional conditions, no variable-length lists): built and compiled
 * once per database, then run with each call's parameter values. Works on the store's database and on its transactions.
 */
export class PreparedQuery<P, O> {
  // Keyed by the database's dialect adapter: one per Kysely instance and shared with its transactions, so each database
  // (SQLite or PostgreSQL, several in one process) runs SQL its own compiler wrote. Kysely marks getExecutor internal.
  private readonly plans = new WeakMap<object, Plan<O>>();

  constructor(private readonly build: (db: Db, param: Param<P>) => Compilable<O>) {}

  /** The SQL and parameters as compiled for `db`'s dialect, the named parameters still holding their stand-ins. */
  compiledFor(db: Db): CompiledQuery<O> {
    return this.planFor(db).compiled;
  }

  /** The rows of a SELECT or of a write with RETURNING. */
  async execute(db: Db, parameters: P): Promise<Array<PreparedRow<O>>> {
    const result = await db.executeQuery<PreparedRow<O>>(this.bind(db, parameters));
    return result.rows;
  }

  async executeTakeFirst(db: Db, parameters: P): Promise<PreparedRow<O> | undefined> {
    return (await this.execute(db, parameters))[0];
  }

  /** The first row, as Kysely's own executeTakeFirstOrThrow: @throws NoResultError when there is none */
  async executeTakeFirstOrThrow(db: Db, parameters: P): Promise<PreparedRow<O>> {
    const row = await this.executeTakeFirst(db, parameters);
    // Built by a select, insert, update or delete builder, so the root node is a QueryNode.
    if (row === undefined) throw new NoResultError(this.compiledFor(db).query as QueryNode);
    return row;
  }

  /** Runs a write without RETURNING (only those report a count on both engines); returns how many rows it inserted, updated or deleted. */
  async executeWrite(this: PreparedQuery<P, WriteResult>, db: Db, parameters: P): Promise<bigint> {
    const result = await db.executeQuery(this.bind(db, parameters));
    return result.numAffectedRows ?? 0n;
  }

  private planFor(db: Db): Plan<O> {
    const adapter = db.getExecutor().adapter;
    let plan = this.plans.get(adapter);
    if (plan === undefined) {
      plan = compilePlan(db, this.build);
      this.plans.set(adapter, plan);
    }
    return plan;
  }

  private bind(db: Db, parameters: P): CompiledQuery<O> {
    const { compiled, slots } = this.planFor(db);
    const values = slots.map((slot) => ('name' in slot ? parameters[slot.name as keyof P] : slot.constant));
    return { ...compiled, parameters: values };
  }
}

/** Prepares a fixed-shape query; name its parameters by annotating `param`, as in `(db, param: Param<{ id: string }>) => ...`. */
export function prepareQuery<P, O>(build: (db: Db, param: Param<P>) => Compilable<O>): PreparedQuery<P, O> {
  return new PreparedQuery(build);
}

/** Every column of an insert as a parameter of the same name; the column map must name each column of `P`. */
export function paramRow<P>(param: Param<P>, columns: { readonly [K in keyof P]-?: true }): P {
  return Object.fromEntries(Object.keys(columns).map((column) => [column, param(column as keyof P & string)])) as P;
}
