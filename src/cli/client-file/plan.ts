// `clients apply`: what the file changes in the database, client by client and field by field, before anything is done.
import { describeInvalidSecret } from '../../clients/client-credentials.js';
import { hasSecret } from '../../clients/registration.js';
import type { ClientRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { hashOpaqueValue } from '../../tokens/opaque.js';
import type { ClientDefinition } from './lint.js';
import { orderByNames } from './rename-order.js';
import type { FileProblem } from './source.js';

export interface FieldChange {
  /** RFC 7591 name, as in the file. */
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * What happens to a client's secret: none; generated (a new client, or one moving to a secret method, without
 * `client_secret_env`; shown once); set from the variable (a client that had none); rotated to the variable's value.
 */
export type SecretChange =
  | { readonly kind: 'none' }
  | { readonly kind: 'generated' }
  | { readonly kind: 'set' | 'rotated'; readonly value: string };

export type PlannedChange =
  | { readonly action: 'create'; readonly definition: ClientDefinition; readonly secret: SecretChange }
  | { readonly action: 'update'; readonly definition: ClientDefinition; readonly fields: readonly FieldChange[]; readonly secret: SecretChange }
  | { readonly action: 'unchanged'; readonly definition: ClientDefinition }
  | { readonly action: 'delete'; readonly existing: ClientRecord };

/** A change to a client the file defines (every change but a deletion). */
export type DefinedChange = Exclude<PlannedChange, { action: 'delete' }>;

export interface PlanOptions {
  readonly environment: NodeJS.ProcessEnv;
  /** Delete the clients the file does not define. */
  readonly prune: boolean;
}

/** The changes, deletions first and renames before a name is taken (see orderByNames), or the problems only the database and environment reveal. */
export async function planClientChanges(
  store: Store,
  definitions: readonly ClientDefinition[],
  options: PlanOptions,
): Promise<{ readonly changes: readonly PlannedChange[] } | { readonly problems: readonly FileProblem[] }> {
  const existing = await store.clients.list();
  const byId = new Map(existing.map((client) => [client.clientId, client]));
  const defined = new Set(definitions.map((definition) => definition.clientId));
  const problems: FileProblem[] = [];
  const deletions: PlannedChange[] = options.prune ? existing.filter((client) => !defined.has(client.clientId)).map((client) => ({ action: 'delete', existing: client })) : [];
  const changes = definitions.map((definition) => {
    const report = (field: string, message: string): void => {
      problems.push({ ...definition.locate(field), message });
    };
    const holder = existing.find((client) => client.clientName === definition.metadata.clientName);
    if (holder !== undefined && !defined.has(holder.clientId) && !options.prune) {
      report('client_name', `"${holder.clientName}" is the name of client ${holder.clientId}, which this file does not define (names are unique)`);
    }
    const secretValue = definition.secretEnv === undefined ? undefined : readSecret(definition.secretEnv, options.environment, report);
    return planClient(definition, byId.get(definition.clientId), secretValue, report);
  });
  if (problems.length > 0) return { problems };
  const order = orderByNames(changes, existing);
  if ('cycle' in order) return { problems: [describeCycle(order.cycle)] };
  return { changes: [...deletions, ...order.ordered] };
}

function describeCycle(cycle: readonly ClientDefinition[]): FileProblem {
  const members = cycle.map((definition) => definition.clientId).join(', ');
  const message = `clients ${members} take each other's names in a cycle, which cannot be applied one client at a time: apply once with a temporary name, then again`;
  return { ...cycle[0]!.locate('client_name'), message };
}

function readSecret(variable: string, environment: NodeJS.ProcessEnv, report: (field: string, message: string) => void): string | undefined {
  const value = environment[variable];
  if (value === undefined || value === '') {
    // The name is never repeated: the location says which one, and output like this ends up in CI logs.
    report('client_secret_env', 'the environment variable it names is not set');
    return undefined;
  }
  const problem = describeInvalidSecret(value);
  if (problem !== undefined) report('client_secret_env', `the secret in the environment variable it names ${problem}`);
  return value;
}

function planClient(
  definition: ClientDefinition,
  existing: ClientRecord | undefined,
  secretValue: string | undefined,
  report: (field: string, message: string) => void,
): DefinedChange {
  const { metadata, secretEnv } = definition;
  const fromEnvironment = (kind: 'set' | 'rotated'): SecretChange =>
    secretEnv === undefined || secretValue === undefined ? { kind: 'generated' } : { kind, value: secretValue };
  if (existing === undefined) return { action: 'create', definition, secret: hasSecret(metadata) ? fromEnvironment('set') : { kind: 'none' } };
  if (existing.clientType !== metadata.clientType) {
    report('client_type', `client ${existing.clientId} is ${existing.clientType}; a client's type never changes: delete it, or define the new one with another client_id`);
  }
  const fields = changedFields(existing, definition);
  let secret: SecretChange = { kind: 'none' };
  if (hasSecret(metadata) && existing.secretHash === null) secret = fromEnvironment('set');
  // Compared by hash: the stored secret is only ever a SHA-256 (SECURITY.md).
  else if (hasSecret(metadata) && secretValue !== undefined && hashOpaqueValue(secretValue) !== existing.secretHash) secret = fromEnvironment('rotated');
  if (fields.length === 0 && secret.kind === 'none') return { action: 'unchanged', definition };
  return { action: 'update', definition, fields, secret };
}

function changedFields(existing: ClientRecord, { metadata }: ClientDefinition): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of Object.keys(metadata) as (keyof typeof metadata)[]) {
    if (key === 'clientType' || JSON.stringify(existing[key]) === JSON.stringify(metadata[key])) continue;
    changes.push({ field: key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), before: existing[key], after: metadata[key] });
  }
  return changes;
}
