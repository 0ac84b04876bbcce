// The repository's root folder, found from this module wherever it runs (the TypeScript source or a compiled copy).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(): string {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json')) && existsSync(join(folder, 'src'))) return folder;
    if (dirname(folder) === folder) throw new Error('the project root (package.json beside src/) was not found');
  }
}

/** Tests read README.md, package.json and source files through this, never relative to their own location. */
export const PROJECT_ROOT = findProjectRoot();
