// The gatehouse/resource-server entry point: exported from package.json, and free of the server's own modules, so an
// API that installs it pulls in jose and nothing of the authorization server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FOLDER = 'src/resource-server';
/** The one server module the library shares: the DPoP proof check (RFC 9449 §4.3), itself free of server modules. */
const SHARED = ['../tokens/dpop-proof.js'];

/** Whether `specifier` may be imported at run time by a file of the library. */
const mayImport = (specifier: string, typeOnly: boolean): boolean =>
  specifier.startsWith('./') || specifier === 'jose' || specifier.startsWith('node:') || (typeOnly && specifier === 'fastify');

function importsOf(path: string): [specifier: string, typeOnly: boolean][] {
  const source = readFileSync(path, 'utf8');
  return [...source.matchAll(/^import (type )?[^;]*? from '([^']+)';$/gms)].map(([, typeOnly, specifier]) => [specifier!, typeOnly !== undefined]);
}

describe('resource-server entry point', () => {
  it('is exported as gatehouse/resource-server, pointing at what the build emits for its index', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    assert.deepEqual(manifest.exports['./resource-server'], { types: `./dist/${FOLDER}/index.d.ts`, default: `./dist/${FOLDER}/index.js` });
  });

  it('imports only its own files, jose and node built-ins at run time (Fastify for types only)', () => {
    for (const file of readdirSync(FOLDER).filter((name) => name.endsWith('.ts'))) {
      for (const [specifier, typeOnly] of importsOf(join(FOLDER, file))) {
        assert.ok(mayImport(specifier, typeOnly) || SHARED.includes(specifier), `${file} imports ${specifier}`);
      }
    }
  });

  it('shares only modules that themselves import nothing but jose and node built-ins', () => {
    for (const shared of SHARED) {
      for (const [specifier] of importsOf(join(FOLDER, shared.replace(/\.js$/, '.ts')))) {
        assert.ok(specifier === 'jose' || specifier.startsWith('node:'), `${shared} imports ${specifier}`);
      }
    }
  });
});
