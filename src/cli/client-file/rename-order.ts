// `clients apply`: changes ordered so that a client name is freed (renamed away) before another client takes it.
import type { ClientRecord } from '../../store/records.js';
import type { ClientDefinition } from './lint.js';
import type { DefinedChange } from './plan.js';

/**
 * File order, except that a change taking a name another client holds now waits for that client's rename (names are
 * unique at every moment, and each client is applied in its own transaction). Renames that form a cycle (a swap)
 * have no such order: they are returned instead, so both the dry run and apply refuse before changing anything.
 * Deletions are not here: they come first and free their names.
 */
export function orderByNames(
  changes: readonly DefinedChange[],
  existing: readonly ClientRecord[],
): { readonly ordered: readonly DefinedChange[] } | { readonly cycle: readonly ClientDefinition[] } {
  const holderOf = new Map(existing.map((client) => [client.clientName, client.clientId]));
  const changeOf = new Map(changes.map((change) => [change.definition.clientId, change]));
  const ordered: DefinedChange[] = [];
  const placed = new Set<string>();
  for (const start of changes) {
    // Each client waits on at most one other (the holder of its new name), so the waits form chains.
    const chain: DefinedChange[] = [];
    for (let change: DefinedChange | undefined = start; change !== undefined && !placed.has(change.definition.clientId);) {
      const clientId: string = change.definition.clientId;
      const seenAt = chain.findIndex((earlier) => earlier.definition.clientId === clientId);
      if (seenAt >= 0) return { cycle: chain.slice(seenAt).map((member) => member.definition) };
      chain.push(change);
      const holder = holderOf.get(change.definition.metadata.clientName);
      change = holder === undefined || holder === clientId ? undefined : changeOf.get(holder);
    }
    for (const change of chain.reverse()) {
      placed.add(change.definition.clientId);
      ordered.push(change);
    }
  }
  return { ordered };
}
