// The version `gatehouse --version` prints: package.json's, found from this module whether it runs from src/ or dist/.
import { readFileSync } from 'node:fs';

/** The version of the nearest package.json named gatehouse above this module. */
export function packageVersion(): string {
  for (let folder = new URL('./', import.meta.url); folder.pathname !== '/'; folder = new URL('../', folder)) {
    const manifest = readManifest(new URL('package.json', folder));
    if (manifest?.name === 'gatehouse' && typeof manifest.version === 'string') return manifest.version;
  }
  throw new Error('package.json of gatehouse not found');
}

function readManifest(file: URL): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    // No package.json at this level (or not JSON): keep looking further up.
    return undefined;
  }
}
