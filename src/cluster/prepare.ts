// What the primary does once for all its workers: before forking, the schema migrated, the dev-mode secret generated
// and the signing keys in place; once the port is known, the dev-mode demo seeded and announced.
import { systemClock } from '../clock.js';
import { storeOptionsOf } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { presentDemo } from '../dev/seed-demo.js';
import { attachAudit, AUDIT_CHAIN_PURPOSE } from '../observability/audit.js';
import { EventBus } from '../observability/events.js';
import type { Logger } from '../observability/logger.js';
import { openStore } from '../store/open.js';
import type { SealedStore } from '../store/store.js';
import { createKeyEncryption } from '../tokens/keys/key-encryption.js';
import { createMessageAuthentication } from '../tokens/keys/message-authentication.js';
import { openKeyRing } from '../tokens/keys/key-ring.js';
import { resolveKeyEncryptionSecrets, type KeyEncryptionSecrets } from '../tokens/keys/resolve.js';

/** Opens (and migrates) the store for `work`, its events audited; audit writes are flushed and the store closed after. */
async function withAuditedStore(
  config: Config,
  secrets: KeyEncryptionSecrets,
  logger: Logger,
  work: (store: SealedStore, events: EventBus) => Promise<void>,
): Promise<void> {
  const store = await openStore(storeOptionsOf(config), createMessageAuthentication(secrets, AUDIT_CHAIN_PURPOSE));
  const events = new EventBus((error, event) => logger.error({ err: error, event: event.type }, 'event subscriber failed'));
  try {
    attachAudit(events, store, systemClock);
    await work(store, events);
  } finally {
    await events.drain();
    await store.close();
  }
}

/**
 * Migrates the database, generates the dev-mode key-encryption secret and bootstraps the signing keys, each once
 * rather than raced by every worker starting at the same moment.
 */
export async function prepareDeployment(config: Config, logger: Logger): Promise<void> {
  const secrets = await resolveKeyEncryptionSecrets(config, logger);
  const keyEncryption = createKeyEncryption(secrets.current, secrets.previous);
  await withAuditedStore(config, secrets, logger, async (store, events) => {
    await openKeyRing({ store, config, keyEncryption, events, logger, clock: systemClock });
  });
}

/** Dev mode: seeds the demo user and client on an empty database, or reminds of them, once for all workers. */
export async function presentDemoOnce(config: Config, logger: Logger, print: (text: string) => void): Promise<void> {
  const secrets = await resolveKeyEncryptionSecrets(config, logger);
  await withAuditedStore(config, secrets, logger, async (store, events) => {
    await presentDemo({ store, config, events, clock: systemClock, print });
  });
}
