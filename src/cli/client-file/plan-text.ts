// How `clients apply` shows its changes: a line per client and per changed field, or one JSON document; never a secret it did not generate.
import type { AppliedChange } from './apply.js';
import type { PlannedChange, SecretChange } from './plan.js';

const SIGN: Readonly<Record<PlannedChange['action'], string>> = { create: '+', update: '~', unchanged: '=', delete: '-' };

/** One line per client, then its changed fields indented: `  redirect_uris: [..] -> [..]`. */
export function describeChanges(applied: readonly AppliedChange[]): string[] {
  return applied.flatMap(({ change }) => {
    const { clientId, clientName } = identityOf(change);
    const lines = [`${SIGN[change.action]} ${change.action} ${clientId} (${JSON.stringify(clientName)})`];
    if (change.action === 'update') lines.push(...change.fields.map((field) => `    ${field.field}: ${JSON.stringify(field.before)} -> ${JSON.stringify(field.after)}`));
    if (change.action === 'create' || change.action === 'update') {
      const secret = describeSecret(change.secret);
      if (secret !== undefined) lines.push(`    client_secret: ${secret}`);
    }
    return lines;
  });
}

/** The closing line: what was (or, in a dry run, would be) done. */
export function summarizeChanges(applied: readonly AppliedChange[], dryRun: boolean): string {
  const counts = countChanges(applied);
  if (counts.create + counts.update + counts.delete === 0) return `nothing to change: ${counts.unchanged} client(s) already as the file defines them`;
  const summary = `${counts.create} created, ${counts.update} updated, ${counts.delete} deleted, ${counts.unchanged} unchanged`;
  return dryRun ? `dry run, nothing changed: ${summary.replace(/ (created|updated|deleted)/g, ' to be $1')}` : summary;
}

/** The generated secrets, each shown this once. */
export function describeGeneratedSecrets(applied: readonly AppliedChange[]): string[] {
  const secrets = applied.filter((entry) => entry.generatedSecret !== null);
  if (secrets.length === 0) return [];
  return ['', ...secrets.map((entry) => `client_secret of ${identityOf(entry.change).clientId}: ${entry.generatedSecret}`), 'Store the secrets now: they are shown only this once.'];
}

export function toChangesJson(applied: readonly AppliedChange[], dryRun: boolean): unknown {
  return {
    dry_run: dryRun,
    counts: countChanges(applied),
    changes: applied.map(({ change, generatedSecret }) => {
      const { clientId, clientName } = identityOf(change);
      const fields = change.action === 'update' ? Object.fromEntries(change.fields.map((field) => [field.field, { before: field.before, after: field.after }])) : undefined;
      const secret = change.action === 'create' || change.action === 'update' ? describeSecret(change.secret) : undefined;
      return { action: change.action, client_id: clientId, client_name: clientName, fields, client_secret_change: secret, client_secret: generatedSecret ?? undefined };
    }),
  };
}

function describeSecret(secret: SecretChange): string | undefined {
  if (secret.kind === 'none') return undefined;
  if (secret.kind === 'generated') return 'generated, shown once';
  return `${secret.kind === 'set' ? 'set' : 'rotated'} from client_secret_env`;
}

function identityOf(change: PlannedChange): { readonly clientId: string; readonly clientName: string } {
  if (change.action === 'delete') return change.existing;
  return { clientId: change.definition.clientId, clientName: change.definition.metadata.clientName };
}

function countChanges(applied: readonly AppliedChange[]): Record<PlannedChange['action'], number> {
  const counts = { create: 0, update: 0, unchanged: 0, delete: 0 };
  for (const { change } of applied) counts[change.action] += 1;
  return counts;
}
