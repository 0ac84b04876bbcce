// Startup choice of the key-encryption secret: the configured one, or in dev mode a generated one kept in dataDir.
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { loadOrCreateDevSecret } from './dev-secret.js';
import { createKeyEncryption, type KeyEncryption } from './key-encryption.js';

/**
 * The configured key-encryption secret (plus previous ones); in dev mode without one, the secret kept in
 * `<dataDir>/key-encryption.secret`, generated on first start.
 * @throws Error outside dev mode without `keys.encryptionSecret`; DevSecretError for an unusable secret file.
 */
export async function resolveKeyEncryption(config: Pick<Config, 'dev' | 'dataDir' | 'keys'>, logger: Logger): Promise<KeyEncryption> {
  const { encryptionSecret, previousEncryptionSecrets } = config.keys;
  if (encryptionSecret !== undefined) return createKeyEncryption(encryptionSecret, previousEncryptionSecrets);
  if (!config.dev) throw new Error('keys.encryptionSecret is required outside dev mode');
  const devSecret = await loadOrCreateDevSecret(config.dataDir);
  if (devSecret.created) logger.warn({ path: devSecret.path }, `generated a key-encryption secret at ${devSecret.path} (dev mode only)`);
  return createKeyEncryption(devSecret.secret, previousEncryptionSecrets);
}
