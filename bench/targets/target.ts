// A server under test as the runner sees it: its process (pid for CPU and memory), and how to restart and stop it.
import type { TableWrites } from '../postgres.js';
import type { ServerProcess } from './server-process.js';

export type TargetName = 'gatehouse' | 'node-oidc-provider' | 'node:http';

export interface Target {
  readonly name: TargetName;
  readonly baseUrl: string;
  /** The current server process (a restart replaces it). */
  process(): ServerProcess;
  /** Stops the server and starts it again on the same data, so PostgreSQL backends end and flush their statistics. */
  restart(): Promise<void>;
  /** Rows written to the database so far, by table, where the engine can tell (PostgreSQL); undefined otherwise. */
  tableWrites(): Promise<TableWrites | undefined>;
  stop(): Promise<void>;
}

/** A target whose whole state lives in its process (node-oidc-provider's in-memory adapter, the node:http ceiling). */
export function inMemoryTarget(name: TargetName, server: ServerProcess): Target {
  return {
    name,
    baseUrl: server.baseUrl,
    process: () => server,
    restart: () => Promise.reject(new Error(`${name} keeps its state in memory and cannot restart`)),
    tableWrites: () => Promise.resolve(undefined),
    stop: () => server.stop(),
  };
}
