// Carries out planned client changes: one transaction per client through the registration service, events after commit.
import { ClientRegistrationService } from '../../clients/registration.js';
import { EventBus, type EventContext, type GatehouseEvent } from '../../observability/events.js';
import type { Store } from '../../store/store.js';
import type { CommandContext } from '../context.js';
import type { PlannedChange } from './plan.js';

/** A change done; `generatedSecret` is the new secret to show this once (never one from the environment). */
export interface AppliedChange {
  readonly change: PlannedChange;
  readonly generatedSecret: string | null;
}

/**
 * Applies each change in its own transaction, in order. A failure stops there: the changes before it stay applied
 * and are returned with it, so their generated secrets can still be shown.
 */
export async function applyClientChanges(
  context: CommandContext,
  changes: readonly PlannedChange[],
): Promise<{ readonly applied: readonly AppliedChange[]; readonly failure?: Error }> {
  const applied: AppliedChange[] = [];
  for (const change of changes) {
    try {
      const generatedSecret = change.action === 'unchanged' ? null : await inTransaction(context, (service) => applyChange(service, change));
      applied.push({ change, generatedSecret });
    } catch (failure) {
      return { applied, failure: failure instanceof Error ? failure : new Error(String(failure)) };
    }
  }
  return { applied };
}

/**
 * Runs `work` in one transaction. Its events are held until the commit, so the audit trail never records a change
 * that was rolled back; then they reach the command's bus (audit, with the `cli:` actor).
 */
async function inTransaction<T>(context: CommandContext, work: (service: ClientRegistrationService) => Promise<T>): Promise<T> {
  const held: [GatehouseEvent, EventContext][] = [];
  const holding = new EventBus(() => undefined);
  holding.subscribe((event, eventContext) => {
    held.push([event, eventContext]);
  });
  const result = await context.store.transaction((store: Store) =>
    work(
      new ClientRegistrationService({
        store, events: holding, context: context.eventContext, clientSecretGracePeriod: context.config.clientSecretGracePeriod, clock: context.clock,
      }),
    ),
  );
  for (const [event, eventContext] of held) context.events.emit(event, eventContext);
  return result;
}

async function applyChange(service: ClientRegistrationService, change: Exclude<PlannedChange, { action: 'unchanged' }>): Promise<string | null> {
  if (change.action === 'delete') {
    await service.delete(change.existing.clientId);
    return null;
  }
  const { definition, secret } = change;
  const chosenSecret = secret.kind === 'set' || secret.kind === 'rotated' ? secret.value : undefined;
  if (change.action === 'create') {
    const created = await service.create(definition.metadata, { clientId: definition.clientId, clientSecret: chosenSecret });
    return chosenSecret === undefined ? created.clientSecret : null;
  }
  // The whole definition: a field the file leaves out returns to its default, as for a new client.
  const updated = await service.update(definition.clientId, definition.metadata, { clientSecret: chosenSecret });
  if (secret.kind === 'rotated') await service.rotateSecret(definition.clientId, secret.value);
  return chosenSecret === undefined ? updated.clientSecret : null;
}
