// `gatehouse clients lint FILE` as a real process: every problem located (file:line:column and path), the server's own policy, exit codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateRedirectUri } from '../../src/clients/redirect-uri.js';
import { assertOneLineFailure, jsonOf, runCli } from './run-cli.js';

/** The refusal the registration policy gives a redirect URI, as the server words it. */
function serverReason(uri: string): string {
  const check = validateRedirectUri(uri);
  assert.equal(check.ok, false, uri);
  return `${check.ok ? '' : check.reason} (got ${JSON.stringify(uri)})`;
}

const MALFORMED = `clients:
  - client_id: billing-web
    client_name: Billing
    client_secret: s3cr3t-in-the-file
    redirect_uris:
      - https://billing.example.com/cb
      - http://billing.example.com/cb
      - https://billing.example.com/cb#top
      - https://*.example.com/cb
    first_party: yes
    colour: blue
  - client_id: mobile
    client_name: Mobile
    client_type: public
    client_secret_env: MOBILE_SECRET
    redirect_uris: [com.example.mobile:/cb]
  - client_name: No identity
    redirect_uris: [https://none.example/cb, 42]
  - just a string
  - client_id: mobile
    client_name: Mobile
    client_type: public
    redirect_uris: [com.example.mobile:/cb]
`;

const DEVICE_JSON = `{
  "clients": [
    {
      "client_id": "tv",
      "client_name": "Living room TV",
      "client_type": "public",
      "grant_types": ["urn:ietf:params:oauth:grant-type:device_code", "implicit"]
    }
  ]
}
`;

/** A secret pasted by mistake: letters, digits and _ only, which an environment variable name could be. */
const PASTED_SECRET = 'k3NwQ8Ls_ZpX2vR9tYb4MeD7aHc1JgF0uSiO6nTlWqE';
const PASTED_HEX = '816948CE122215FEB714EBE5F5D26A1CA3DB03FB';

const SECRET_VARIABLES = `clients:
${[PASTED_SECRET, PASTED_HEX, 'reports_secret', 'GATEHOUSE_KEYS_ENCRYPTION_SECRET', `REPORTS_${'X'.repeat(60)}`, 'REPORTS_CLIENT_SECRET'].map((variable, index) => `  - client_id: reports-${index}
    client_name: Reports ${index}
    grant_types: [client_credentials]
    client_secret_env: ${variable}
`).join('')}`;

/** Duplicates where one of each pair has another problem too (a bad redirect URI, a wrongly typed key). */
const DUPLICATES = `clients:
  - client_id: billing
    client_name: Billing
    redirect_uris: [http://billing.example.com/cb]
  - client_id: billing
    client_name: " Reports"
    redirect_uris: [https://billing.example.com/cb]
  - client_id: reports
    client_name: Reports
    first_party: yes
    grant_types: [client_credentials]
`;

const CLEAN_JSON = DEVICE_JSON.replace(', "implicit"', ', "refresh_token"');

describe('gatehouse clients lint', () => {
  let folder: string;
  const file = (name: string) => join(folder, name);
  const lint = (...args: string[]) => runCli(['clients', 'lint', ...args], { env: {}, cwd: folder });

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gatehouse-lint-'));
    await Promise.all([
      writeFile(file('malformed.yaml'), MALFORMED),
      writeFile(file('syntax.yaml'), 'clients:\n  - client_id: [billing\n    client_name: Billing\n  - client_name: "Unclosed\n'),
      writeFile(file('device.json'), DEVICE_JSON),
      writeFile(file('clean.json'), CLEAN_JSON),
      writeFile(file('duplicate-key.json'), '{"clients": [{"client_id": "a", "client_id": "b"}]}\n'),
      writeFile(file('shape.yaml'), 'client: []\nclients: {}\n'),
      writeFile(file('empty.yaml'), ''),
      writeFile(file('secret-variables.yaml'), SECRET_VARIABLES),
      writeFile(file('duplicates.yaml'), DUPLICATES),
    ]);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('lists every problem of a malformed file on its own line, FILE:LINE:COL path: message, without the literal secret', async () => {
    const path = file('malformed.yaml');
    const result = await lint(path);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.deepEqual(result.stderr.trimEnd().split('\n'), [
      `${path}:4:5 clients[0].client_secret: a secret must never be in the file: name an environment variable holding it with client_secret_env`,
      `${path}:7:9 clients[0].redirect_uris[1]: ${serverReason('http://billing.example.com/cb')}`,
      `${path}:8:9 clients[0].redirect_uris[2]: ${serverReason('https://billing.example.com/cb#top')}`,
      `${path}:9:9 clients[0].redirect_uris[3]: ${serverReason('https://*.example.com/cb')}`,
      `${path}:10:18 clients[0].first_party: expected true or false`,
      `${path}:11:5 clients[0].colour: unknown key`,
      `${path}:15:24 clients[1].client_secret_env: this client has no secret: it uses none`,
      `${path}:17:5 clients[2].client_id: is required: apply matches the client by it`,
      `${path}:18:46 clients[2].redirect_uris[1]: expected a string`,
      `${path}:19:5 clients[3]: expected a mapping (one client)`,
      `${path}:20:16 clients[4].client_id: "mobile" is also the client_id of clients[1]`,
      `${path}:21:18 clients[4].client_name: "Mobile" is also the client_name of clients[1]`,
      `gatehouse: ${path}: 12 problems`,
    ]);
    assert.equal(result.stderr.includes('s3cr3t-in-the-file'), false);
  });

  it('refuses a client_secret_env that is not a plain variable name (a pasted secret) or names a server setting, never repeating it', async () => {
    const path = file('secret-variables.yaml');
    const result = await lint(path);
    assert.equal(result.code, 1, result.stderr);
    const notAName = 'must be the name of an environment variable (UPPER_SNAKE_CASE words, at most 64 characters), never the secret itself';
    assert.deepEqual(result.stderr.trimEnd().split('\n'), [
      `${path}:5:24 clients[0].client_secret_env: ${notAName}`,
      `${path}:9:24 clients[1].client_secret_env: ${notAName}`,
      `${path}:13:24 clients[2].client_secret_env: ${notAName}`,
      `${path}:17:24 clients[3].client_secret_env: must not name one of the server's own GATEHOUSE_* settings`,
      `${path}:21:24 clients[4].client_secret_env: ${notAName}`,
      `gatehouse: ${path}: 5 problems`,
    ]);
    for (const pasted of [PASTED_SECRET, PASTED_HEX]) assert.equal(result.stderr.includes(pasted), false);
  });

  it('finds a duplicate client_id or client_name (trimmed) even when one of the pair has another problem', async () => {
    const path = file('duplicates.yaml');
    const result = await lint(path);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(result.stderr.trimEnd().split('\n'), [
      `${path}:4:21 clients[0].redirect_uris[0]: ${serverReason('http://billing.example.com/cb')}`,
      `${path}:5:16 clients[1].client_id: "billing" is also the client_id of clients[0]`,
      `${path}:9:18 clients[2].client_name: "Reports" is also the client_name of clients[1]`,
      `${path}:10:18 clients[2].first_party: expected true or false`,
      `gatehouse: ${path}: 4 problems`,
    ]);
  });

  it('reports YAML syntax errors with their location, as many as the parser finds, and stops there', async () => {
    const path = file('syntax.yaml');
    const result = await lint(path);
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.trimEnd().split('\n');
    const located = lines.slice(0, -1);
    assert.ok(located.length >= 2, result.stderr);
    for (const line of located) assert.match(line, new RegExp(`^${path.replace(/[.\\/]/g, '\\$&')}:[2-5]:\\d+ \\S`));
    assert.match(lines.at(-1)!, new RegExp(`^gatehouse: .*syntax\\.yaml: ${located.length} problems$`));
  });

  it('reads JSON with the same positions and rules, and answers --json with the problems as data', async () => {
    const [device, clean, duplicateKey] = await Promise.all([lint(file('device.json'), '--json'), lint(file('clean.json'), '--json'), lint(file('duplicate-key.json'))]);
    assert.equal(device.code, 1, device.stderr);
    assert.deepEqual(JSON.parse(device.stderr), {
      error: `${file('device.json')}: 1 problem`,
      problems: [{
        line: 7, column: 71, path: 'clients[0].grant_types[1]',
        message: 'the implicit grant is not supported: it was removed in OAuth 2.1 (use authorization_code with PKCE)',
      }],
    });
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(jsonOf(clean), { file: file('clean.json'), clients: 1, problems: [] });
    assert.equal(duplicateKey.code, 1);
    assert.match(duplicateKey.stderr, /duplicate-key\.json:1:\d+ Map keys must be unique/);
  });

  it('says a clean file is clean (exit 0); a wrong shape or an empty file is located (exit 1); an unreadable file exits 2', async () => {
    const [clean, shape, empty, missing, noFile] = await Promise.all([
      lint(file('clean.json')), lint(file('shape.yaml')), lint(file('empty.yaml')), lint(file('missing.yaml')), lint(),
    ]);
    assert.deepEqual([clean.code, clean.stdout, clean.stderr], [0, `${file('clean.json')}: 1 client(s), no problems\n`, '']);
    assert.equal(shape.code, 1);
    assert.deepEqual(shape.stderr.trimEnd().split('\n').slice(0, 2), [
      `${file('shape.yaml')}:1:1 client: unknown key (the file has only "clients")`,
      `${file('shape.yaml')}:2:10 clients: expected a list of clients`,
    ]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /empty\.yaml:1:1 expected a mapping with a "clients" list\n/);
    assertOneLineFailure(missing, 2, /cannot read .*missing\.yaml \(ENOENT\)/);
    assertOneLineFailure(noFile, 2, /missing required argument 'file'/);
  });
});
