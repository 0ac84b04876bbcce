// The modules a fresh process loads while it runs an ES module script: for checks that something heavy is loaded
// only when it is used.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** A compiled module of the project, by its path from the project root, as a URL a script can import. */
export function projectModule(path: string): string {
  return pathToFileURL(join(import.meta.dirname, '../..', path)).href;
}

/** The URL of every module `script` loads, in the order loaded; the script runs as an ES module in a new process. */
export async function modulesLoadedBy(script: string): Promise<string[]> {
  const folder = mkdtempSync(join(tmpdir(), 'gatehouse-modules-'));
  try {
    const hooks = join(folder, 'hooks.mjs');
    writeFileSync(hooks, 'export async function load(url, context, next) { process.stderr.write(`loaded ${url}\\n`); return next(url, context); }\n');
    const registered = `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`;
    const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', registered + script]);
    return stderr.split('\n').flatMap((line) => (line.startsWith('loaded ') ? [line.slice('loaded '.length)] : []));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
