// Startup choice of the key-encryption secret: the configured one, or in dev mode a generated one kept in dataDir.
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { loadOrCreateDevSecret } from './dev-secret.js';
import { createKeyEncryption, type KeyEncryption } from './key-encryption.js';

/** The key-encryption secrets in force: the current one, and previous ones still accepted for opening and verifying. */
export interface KeyEncryptionSecrets {
  readonly current: string;
  readonly previous: readonly string[];
}

/**
 * The configured key-encryption secret (plus previous ones); in dev mode without one, the secret kept in
 * `<dataDir>/key-encryption.secret`, generated on first start.
 * @throws Error outside dev mode without `keys.encryptionSecret`; DevSecretError for an unusable secret file.
 */
export async function resolveKeyEncryptionSecrets(config: Pick<Config, 'dev' | 'dataDir' | 'keys'>, logger: Logger): Promise<KeyEncryptionSecrets> {
  const { encryptionSecret, previousEncryptionSecrets } = config.keys;
  if (encryptionSecret !== undefined) return { current: encryptionSecret, previous: previousEncryptionSecrets };
  if (!config.dev) throw new Error('keys.encryptionSecret is required outside dev mode');
  const devSecret = await loadOrCreateDevSecret(config.dataDir);
  if (devSecret.created) logger.warn({ path: devSecret.path }, `generated a key-encryption secret at ${devSecret.path} (dev mode only)`);
  return { current: devSecret.secret, previous: previousEncryptionSecrets };
}

/** The signing-key envelope codec under the resolved secrets (see resolveKeyEncryptionSecrets). */
export async function resolveKeyEncryption(config: Pick<Config, 'dev' | 'dataDir' | 'keys'>, logger: Logger): Promise<KeyEncryption> {
  const secrets = await resolveKeyEncryptionSecrets(config, logger);
  return createKeyEncryption(secrets.current, secrets.previous);
}
