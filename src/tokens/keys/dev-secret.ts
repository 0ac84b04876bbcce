// Dev mode only: the key-encryption secret kept in <dataDir>/key-encryption.secret when none is configured.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEV_SECRET_FILE = 'key-encryption.secret';
const MIN_SECRET_LENGTH = 32;

export interface DevSecret {
  readonly secret: string;
  readonly path: string;
  /** True when this call generated the file, so the caller can log "generated a key-encryption secret at <path>". */
  readonly created: boolean;
}

/** The dev secret file is unusable; the message names the file and the fix, never the secret. */
export class DevSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevSecretError';
  }
}

/** Whether `dataDir` holds a dev key-encryption secret: only dev mode writes one, so `serve --dev` set the folder up. */
export function holdsDevSecret(dataDir: string): boolean {
  return existsSync(path.resolve(dataDir, DEV_SECRET_FILE));
}

/**
 * Reads the dev key-encryption secret, creating it (32 random bytes, base64url, mode 0600) on first use.
 * Creation is atomic: a second process starting at the same moment reads the winner's file rather than overwriting it.
 * @throws DevSecretError when the existing file is readable by group or others, or holds no usable secret.
 */
export async function loadOrCreateDevSecret(dataDir: string): Promise<DevSecret> {
  const file = path.resolve(dataDir, DEV_SECRET_FILE);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  if (await createExclusive(file, `${secret}\n`)) return { secret, path: file, created: true };
  return { secret: await readExisting(file), path: file, created: false };
}

// Written to a private temporary name, then hard-linked into place: link fails if the file exists, so no reader
// ever sees a half-written secret and no process replaces another's.
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}

async function readExisting(file: string): Promise<string> {
  // Like ssh with a private key: a secret others can read is refused rather than silently used (POSIX modes only).
  const { mode } = await stat(file);
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    throw new DevSecretError(`${file} is readable by group or others (mode ${octal}); run: chmod 600 ${file}`);
  }
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new DevSecretError(`${file} does not hold a secret of at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}
