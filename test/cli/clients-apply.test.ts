// `gatehouse clients apply FILE` as a real process on both engines: dry run, idempotent apply, field diffs, secrets from the environment, refusals, --prune.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli, type CliResult } from './run-cli.js';

// As `openssl rand -base64 32` prints them.
const REPORTS_SECRET = 'YraBIOi4jJhK4LcGjcAKf8cFHPYwY9WvPAwtx0X1cbY=';
const ROTATED_SECRET = 'd+ks1EisL5zanINvgh5TuzLcnk/ljcpfbLPXnvL1tmU=';

const CLIENTS_YAML = `clients:
  - client_id: billing-web
    client_name: Billing
    first_party: true
    redirect_uris: [https://billing.example.com/cb]
    grant_types: [authorization_code, refresh_token]
  - client_id: reports
    client_name: Reports
    grant_types: [client_credentials]
    client_secret_env: REPORTS_SECRET
  - client_id: mobile
    client_name: Mobile
    client_type: public
    redirect_uris: [com.example.mobile:/cb]
`;

/** The same clients as JSON, Billing with a new redirect URI and no longer first-party (left out: back to the default). */
const CHANGED_JSON = JSON.stringify({
  clients: [
    { client_id: 'billing-web', client_name: 'Billing', redirect_uris: ['https://billing.example.com/callback'], grant_types: ['authorization_code', 'refresh_token'] },
    { client_id: 'reports', client_name: 'Reports', grant_types: ['client_credentials'], client_secret_env: 'REPORTS_SECRET' },
    { client_id: 'mobile', client_name: 'Mobile', client_type: 'public', redirect_uris: ['com.example.mobile:/cb'] },
  ],
}, null, 2);

interface ChangesJson {
  readonly dry_run: boolean;
  readonly counts: Record<string, number>;
  readonly changes: readonly { action: string; client_id: string; fields?: Record<string, { before: unknown; after: unknown }>; client_secret_change?: string; client_secret?: string }[];
}

/** Three public clients a, b, c; then renamed in a chain (c's old name freed, a taking b's), then a swap. */
const threeClients = (names: readonly string[]): string =>
  `clients:\n${names.map((name, index) => `  - client_id: ${'abc'[index]}\n    client_name: ${name}\n    client_type: public\n    redirect_uris: [com.example.app:/cb]\n`).join('')}`;

const outputOf = (result: CliResult): string => result.stdout + result.stderr;

onSqliteOnly((engine) => {
  describe('gatehouse clients apply', () => {
    let database: TestStore;
    const file = (name: string) => join(database.dataDir, name);
    const gatehouse = (args: string[], secrets: Record<string, string> = { REPORTS_SECRET }) =>
      runCli(args, { env: { ...cliEnvironment(database), ...secrets }, cwd: database.dataDir });
    const snapshot = async () => JSON.stringify(await database.store.clients.list());
    const auditCount = async () => (await database.store.audit.list({ limit: 1000 })).filter((row) => row.type.startsWith('client.')).length;

    before(async () => {
      database = await createTestStore(engine);
      await Promise.all([
        writeFile(file('clients.yaml'), CLIENTS_YAML),
        writeFile(file('changed.json'), CHANGED_JSON),
        writeFile(file('literal-secret.yaml'), CLIENTS_YAML.replace('client_secret_env: REPORTS_SECRET', 'client_secret: in-the-file')),
        writeFile(file('type-change.yaml'), CLIENTS_YAML.replace('client_type: public', 'client_type: confidential')),
        writeFile(file('outsider.yaml'), `${CLIENTS_YAML}  - client_id: outsider-2\n    client_name: Outsider\n    redirect_uris: [https://outsider.example/cb]\n`),
        writeFile(file('three.yaml'), threeClients(['Alpha', 'Beta', 'Gamma'])),
        writeFile(file('chain.yaml'), threeClients(['Beta', 'Epsilon', 'Delta'])),
        writeFile(file('three-swap.yaml'), threeClients(['Epsilon', 'Beta', 'Delta'])),
        writeFile(file('swap.yaml'), `clients:\n  - client_id: extra\n    client_name: Extra\n    redirect_uris: [http://localhost:8080/cb]\n${CLIENTS_YAML.slice('clients:\n'.length).replace('client_name: Billing', 'client_name: Reports').replace('client_name: Reports\n    grant', 'client_name: Billing\n    grant')}`),
      ]);
    });
    after(() => database.cleanup());

    it('shows the plan in a dry run without changing anything, then creates, then has nothing left to do', async () => {
      const dryRun = await gatehouse(['clients', 'apply', file('clients.yaml'), '--dry-run', '--json']);
      assert.equal(dryRun.code, 0, dryRun.stderr);
      const plan = jsonOf<ChangesJson>(dryRun);
      assert.equal(plan.dry_run, true);
      assert.deepEqual(plan.changes.map((change) => [change.action, change.client_id, change.client_secret_change]), [
        ['create', 'billing-web', 'generated, shown once'], ['create', 'reports', 'set from client_secret_env'], ['create', 'mobile', undefined],
      ]);
      assert.deepEqual(await database.store.clients.list(), []);
      assert.equal(await auditCount(), 0);

      const applied = await gatehouse(['clients', 'apply', file('clients.yaml')]);
      assert.deepEqual([applied.code, applied.stderr], [0, '']);
      assert.match(applied.stdout, /^\+ create billing-web \("Billing"\)\n {4}client_secret: generated, shown once\n\+ create reports \("Reports"\)\n {4}client_secret: set from client_secret_env\n\+ create mobile \("Mobile"\)\n3 created, 0 updated, 0 deleted, 0 unchanged\n/);
      const generated = /client_secret of billing-web: (\S+)\n/.exec(applied.stdout)?.[1];
      assert.ok(generated !== undefined, applied.stdout);
      assert.equal(outputOf(applied).includes(REPORTS_SECRET), false, 'a secret from the environment is never printed');
      assert.equal(outputOf(applied).includes('$REPORTS_SECRET'), false, 'nor the name of its variable');
      const [billing, reports, mobile] = await Promise.all(['billing-web', 'reports', 'mobile'].map((id) => database.store.clients.findById(id)));
      assert.equal(billing?.secretHash, hashOpaqueValue(generated));
      assert.equal(billing?.firstParty, true);
      assert.equal(reports?.secretHash, hashOpaqueValue(REPORTS_SECRET));
      assert.deepEqual([mobile?.clientType, mobile?.secretHash], ['public', null]);
      const audit = await database.store.audit.list({ limit: 10, type: 'client.created' });
      assert.equal(audit.length, 3);
      assert.ok(audit.every((row) => /^cli:.+/.test(String(row.details.actor))));

      const before = await snapshot();
      const again = await gatehouse(['clients', 'apply', file('clients.yaml')]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /= unchanged billing-web[^\n]*\n= unchanged reports[^\n]*\n= unchanged mobile[^\n]*\nnothing to change: 3 client\(s\) already as the file defines them\n$/);
      assert.equal(await snapshot(), before);
      assert.equal(await auditCount(), 3);
    });

    it('updates from JSON field by field (a field left out returns to its default) and rotates the secret only when the variable changed', async () => {
      const previousHash = hashOpaqueValue(REPORTS_SECRET);
      const result = await gatehouse(['clients', 'apply', file('changed.json'), '--json'], { REPORTS_SECRET: ROTATED_SECRET });
      assert.equal(result.code, 0, result.stderr);
      const applied = jsonOf<ChangesJson>(result);
      assert.deepEqual(applied.counts, { create: 0, update: 2, unchanged: 1, delete: 0 });
      assert.deepEqual(applied.changes.map((change) => [change.action, change.client_id, change.fields, change.client_secret_change]), [
        ['update', 'billing-web', {
          redirect_uris: { before: ['https://billing.example.com/cb'], after: ['https://billing.example.com/callback'] },
          first_party: { before: true, after: false },
        }, undefined],
        ['update', 'reports', {}, 'rotated from client_secret_env'],
        ['unchanged', 'mobile', undefined, undefined],
      ]);
      assert.equal(outputOf(result).includes(ROTATED_SECRET), false);
      const reports = await database.store.clients.findById('reports');
      assert.deepEqual([reports?.secretHash, reports?.previousSecretHash], [hashOpaqueValue(ROTATED_SECRET), previousHash]);
      const [updated] = await database.store.audit.list({ limit: 1, type: 'client.updated' });
      assert.deepEqual(updated?.details.fields, ['redirect_uris', 'first_party']);
      assert.equal((await database.store.audit.list({ limit: 5, type: 'client.secret_rotated' })).length, 1);

      const same = await gatehouse(['clients', 'apply', file('changed.json')], { REPORTS_SECRET: ROTATED_SECRET });
      assert.match(same.stdout, /nothing to change/);
    });

    it('refuses, changing nothing: an unset or weak secret variable, a file with problems, a type change, a name another client holds', async () => {
      const created = await gatehouse(['clients', 'create', '--name', 'Outsider', '--redirect-uri', 'https://outsider.example/cb', '--json']);
      assert.equal(created.code, 0, created.stderr);
      const before = await snapshot();
      // Long enough, but a phrase: SHA-256 alone would not protect it in a leaked database.
      const weak = 'reports-secret-0123456789abcdef0123456789';
      const [unset, weakSecret, literal, typeChange, outsider] = await Promise.all([
        gatehouse(['clients', 'apply', file('changed.json')], {}),
        gatehouse(['clients', 'apply', file('clients.yaml')], { REPORTS_SECRET: weak }),
        gatehouse(['clients', 'apply', file('literal-secret.yaml')]),
        gatehouse(['clients', 'apply', file('type-change.yaml'), '--dry-run']),
        gatehouse(['clients', 'apply', file('outsider.yaml')]),
      ]);
      const refusal = (result: CliResult, name: string, line: string) => {
        assert.equal(result.code, 1, result.stderr);
        assert.equal(result.stdout, '');
        assert.deepEqual(result.stderr.split('\n'), [`${file(name)}:${line}`, `gatehouse: ${file(name)}: 1 problem; nothing was applied`, '']);
      };
      refusal(unset, 'changed.json', '20:28 clients[1].client_secret_env: the environment variable it names is not set');
      refusal(weakSecret, 'clients.yaml', '10:24 clients[1].client_secret_env: the secret in the environment variable it names must be at least 32 random bytes as hex or base64, as `openssl rand -base64 32` prints (a chosen phrase or pattern is refused)');
      assert.equal(outputOf(weakSecret).includes(weak), false);
      refusal(literal, 'literal-secret.yaml', '10:5 clients[1].client_secret: a secret must never be in the file: name an environment variable holding it with client_secret_env');
      refusal(typeChange, 'type-change.yaml', "13:18 clients[2].client_type: client mobile is public; a client's type never changes: delete it, or define the new one with another client_id");
      const outsiderId = jsonOf<{ client_id: string }>(created).client_id;
      refusal(outsider, 'outsider.yaml', `16:18 clients[3].client_name: "Outsider" is the name of client ${outsiderId}, which this file does not define (names are unique)`);
      assert.equal(await snapshot(), before);
    });

    it('leaves clients the file does not define alone, unless --prune, which deletes them (and shows it in a dry run first)', async () => {
      const [outsider] = (await database.store.clients.list()).filter((client) => client.clientName === 'Outsider');
      assert.ok(outsider !== undefined);
      const plain = await gatehouse(['clients', 'apply', file('changed.json'), '--json'], { REPORTS_SECRET: ROTATED_SECRET });
      assert.deepEqual(jsonOf<ChangesJson>(plain).counts, { create: 0, update: 0, unchanged: 3, delete: 0 });
      const dryRun = await gatehouse(['clients', 'apply', file('changed.json'), '--prune', '--dry-run'], { REPORTS_SECRET: ROTATED_SECRET });
      assert.match(dryRun.stdout, new RegExp(`^- delete ${outsider.clientId} \\("Outsider"\\)\n`));
      assert.match(dryRun.stdout, /dry run, nothing changed: 0 to be created, 0 to be updated, 1 to be deleted, 3 unchanged\n$/);
      assert.ok(await database.store.clients.findById(outsider.clientId));
      const pruned = await gatehouse(['clients', 'apply', file('changed.json'), '--prune'], { REPORTS_SECRET: ROTATED_SECRET });
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.equal(await database.store.clients.findById(outsider.clientId), undefined);
      assert.equal((await database.store.audit.list({ limit: 5, type: 'client.deleted' })).length, 1);
    });

    it('renames in a chain by freeing each name before it is taken, dry run and apply alike', async () => {
      const created = await gatehouse(['clients', 'apply', file('three.yaml')]);
      assert.equal(created.code, 0, created.stderr);
      const dryRun = await gatehouse(['clients', 'apply', file('chain.yaml'), '--dry-run']);
      assert.equal(dryRun.code, 0, dryRun.stderr);
      const applied = await gatehouse(['clients', 'apply', file('chain.yaml')]);
      assert.deepEqual([applied.code, applied.stderr], [0, '']);
      // b gives up Beta before a takes it; c, taking a free name, keeps its place in the file.
      assert.deepEqual(applied.stdout.split('\n').filter((line) => line.startsWith('~')), ['~ update b ("Epsilon")', '~ update a ("Beta")', '~ update c ("Delta")']);
      const names = await Promise.all(['a', 'b', 'c'].map(async (clientId) => (await database.store.clients.findById(clientId))?.clientName));
      assert.deepEqual(names, ['Beta', 'Epsilon', 'Delta']);
    });

    it('refuses renames that form a cycle (a swap) before changing anything, in a dry run too', async () => {
      const before = await snapshot();
      const [swap, swapDryRun, threeSwap] = await Promise.all([
        gatehouse(['clients', 'apply', file('swap.yaml')], { REPORTS_SECRET: ROTATED_SECRET }),
        gatehouse(['clients', 'apply', file('swap.yaml'), '--dry-run'], { REPORTS_SECRET: ROTATED_SECRET }),
        gatehouse(['clients', 'apply', file('three-swap.yaml')]),
      ]);
      const cycle = (members: string) => `clients ${members} take each other's names in a cycle, which cannot be applied one client at a time: apply once with a temporary name, then again`;
      for (const result of [swap, swapDryRun]) {
        assert.equal(result.code, 1, result.stderr);
        assert.equal(result.stdout, '');
        assert.deepEqual(result.stderr.split('\n'), [`${file('swap.yaml')}:6:18 clients[1].client_name: ${cycle('billing-web, reports')}`, `gatehouse: ${file('swap.yaml')}: 1 problem; nothing was applied`, '']);
      }
      assert.equal(threeSwap.code, 1, threeSwap.stderr);
      assert.match(threeSwap.stderr, new RegExp(`^${file('three-swap.yaml').replace(/[.\\/]/g, '\\$&')}:3:18 clients\\[0\\]\\.client_name: clients a, b `));
      assert.equal(await snapshot(), before);
    });

    it('exits 2 for an unreadable file or an unknown option', async () => {
      const [missing, unknown] = await Promise.all([
        gatehouse(['clients', 'apply', file('missing.yaml')]),
        gatehouse(['clients', 'apply', file('clients.yaml'), '--force']),
      ]);
      assertOneLineFailure(missing, 2, /cannot read .*missing\.yaml \(ENOENT\)/);
      assertOneLineFailure(unknown, 2, /unknown option '--force'/);
    });
  });
});
