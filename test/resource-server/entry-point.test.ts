// The gatehouse/resource-server entry point: exported from package.json, and free of the server's own modules, so an
// API that installs it pulls in jose and nothing of the authorization server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FOLDER = 'src/resource-server';

describe('resource-server entry point', () => {
  it('is exported as gatehouse/resource-server, pointing at what the build emits for its index', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    assert.deepEqual(manifest.exports['./resource-server'], { types: `./dist/${FOLDER}/index.d.ts`, default: `./dist/${FOLDER}/index.js` });
  });

  it('imports only its own files, jose and node built-ins at run time (Fastify for types only)', () => {
    for (const file of readdirSync(FOLDER).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(FOLDER, file), 'utf8');
      for (const [, typeOnly, specifier] of source.matchAll(/^import (type )?[^;]*? from '([^']+)';$/gms)) {
        const allowed = specifier!.startsWith('./') || specifier === 'jose' || specifier!.startsWith('node:') || (typeOnly !== undefined && specifier === 'fastify');
        assert.ok(allowed, `${file} imports ${specifier}`);
      }
    }
  });
});
