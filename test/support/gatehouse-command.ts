// How tests start the real `gatehouse` CLI: the build in dist/ when it is up to date, the TypeScript source otherwise.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT as ROOT } from './project-root.js';

const SOURCE_ENTRY = join(ROOT, 'src/cli/index.ts');
const BUILT_ENTRY = join(ROOT, 'dist/src/cli/index.js');
const TSX_LOADER = import.meta.resolve('tsx');

/** Modification time in ms, or undefined when the file does not exist. */
function modifiedAt(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when every source module under src/ has a compiled twin in dist/ at least as new as itself. */
function buildIsCurrent(): boolean {
  const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts'));
  return sources.every((path) => {
    const source = join(ROOT, 'src', path);
    const built = join(ROOT, 'dist/src', relative(join(ROOT, 'src'), source).replace(/\.ts$/, '.js'));
    const builtAt = modifiedAt(built);
    return builtAt !== undefined && builtAt >= (modifiedAt(source) ?? Infinity);
  });
}

let command: readonly string[] | undefined;

/**
 * Node arguments that run the CLI. A fresh build (CI builds before `npm test`) starts in a third of the CPU
 * time tsx needs to compile the source on each start; a stale or missing one must never be tested, so the
 * source runs instead.
 */
export function gatehouseCommand(): readonly string[] {
  command ??= buildIsCurrent() ? [BUILT_ENTRY] : ['--import', TSX_LOADER, SOURCE_ENTRY];
  return command;
}
