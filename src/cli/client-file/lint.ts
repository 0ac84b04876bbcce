// `clients lint`: a client definitions file held against the server's own registration policy, every problem located.
import { isSeq, type Node } from 'yaml';
import { describeInvalidClientId } from '../../clients/client-credentials.js';
import type { MetadataProblem } from '../../clients/errors.js';
import { checkClientMetadata, type ClientMetadata } from '../../clients/metadata.js';
import { hasSecret } from '../../clients/registration.js';
import { readClientEntries, type ClientEntry } from './entries.js';
import { readClientFile, type ClientFileSource, type FileLocation, type FileProblem } from './source.js';

/** A client as the file defines it, valid by every rule that needs no database. */
export interface ClientDefinition {
  readonly clientId: string;
  /** The environment variable holding its secret; undefined: a new client gets a generated one. */
  readonly secretEnv: string | undefined;
  readonly metadata: ClientMetadata;
  /** Where a field of this client is in the file, for problems found later (against the database). */
  locate(field: string): FileLocation;
}

export interface LintResult {
  readonly definitions: readonly ClientDefinition[];
  /** In file order; when any, `definitions` must not be applied. */
  readonly problems: readonly FileProblem[];
}

/** @throws UsageError when the file cannot be read */
export function lintClientFile(path: string): LintResult {
  const read = readClientFile(path);
  if ('problems' in read) return { definitions: [], problems: read.problems };
  const problems: FileProblem[] = [];
  const entries = readClientEntries(read.source, problems);
  const definitions = entries.flatMap((entry) => checkEntry(read.source, entry, problems));
  // Over every entry, not only valid ones: a duplicate is reported even when one of the pair has another problem.
  checkUnique(read.source, entries, 'client_id', (entry) => entry.clientId, problems);
  checkUnique(read.source, entries, 'client_name', (entry) => entry.input.clientName?.trim(), problems);
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { definitions, problems };
}

/** The entry's definition when its values pass the policy; its problems are added either way. */
function checkEntry(source: ClientFileSource, entry: ClientEntry, problems: FileProblem[]): ClientDefinition[] {
  const locate = (field: string, index?: number): FileLocation => {
    const valueNode = entry.node.get(field, true) as Node | undefined;
    const itemNode = index !== undefined && isSeq(valueNode) ? (valueNode.items[index] as Node | undefined) : undefined;
    const path = `clients[${entry.index}].${field}${index === undefined ? '' : `[${index}]`}`;
    return { ...source.position(itemNode ?? valueNode ?? entry.node), path };
  };
  const add = (field: string, message: string, index?: number): void => {
    problems.push({ ...locate(field, index), message });
  };
  const idProblem = entry.clientId === undefined ? undefined : describeInvalidClientId(entry.clientId);
  if (idProblem !== undefined) add('client_id', idProblem);
  const check = checkClientMetadata(entry.input);
  if (!check.ok) {
    for (const problem of check.problems.filter((found: MetadataProblem) => !entry.badKeys.has(found.field))) add(problem.field, problem.message, problem.index);
    return [];
  }
  // Only a client that authenticates with a secret has one (not public, not private_key_jwt).
  if (entry.secretEnv !== undefined && !hasSecret(check.metadata)) add('client_secret_env', `this client has no secret: it uses ${check.metadata.tokenEndpointAuthMethod}`);
  if (entry.clientId === undefined || idProblem !== undefined || entry.badKeys.size > 0) return [];
  return [{ clientId: entry.clientId, secretEnv: entry.secretEnv, metadata: check.metadata, locate }];
}

/** Cross-entry rule: client_id is the identity, and client_name (trimmed, as stored) is unique among clients, as in the database. */
function checkUnique(
  source: ClientFileSource,
  entries: readonly ClientEntry[],
  field: string,
  valueOf: (entry: ClientEntry) => string | undefined,
  problems: FileProblem[],
): void {
  const first = new Map<string, ClientEntry>();
  for (const entry of entries) {
    const value = valueOf(entry);
    if (value === undefined || value === '') continue;
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, entry);
    else {
      const at = source.position(entry.node.get(field, true));
      problems.push({ ...at, path: `clients[${entry.index}].${field}`, message: `${JSON.stringify(value)} is also the ${field} of clients[${earlier.index}]` });
    }
  }
}
