// `gatehouse apis ...` and `clients allow-api` as a real child process against both engines: JSON, text, failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

const API = 'https://api.example.com/';

onSqliteOnly((engine) => {
  describe('gatehouse apis', () => {
    let database: TestStore;
    const gatehouse = (...args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });
    let clientId: string;

    before(async () => {
      database = await createTestStore(engine);
      const created = await gatehouse('clients', 'create', '--name', 'Nightly job', '--grant-types', 'client_credentials', '--json');
      assert.equal(created.code, 0, created.stderr);
      clientId = jsonOf<{ client_id: string }>(created).client_id;
    });
    after(() => database.cleanup());

    it('creates an API with described scopes, a lifetime and a resource server client, and shows it', async () => {
      const created = await gatehouse('apis', 'create', '--identifier', API, '--name', 'Invoices', '--scope', 'read:invoices=Read your invoices',
        '--scope', 'write:invoices=Change your invoices', '--access-token-ttl', '300', '--resource-server-client', clientId, '--json');
      assert.equal(created.code, 0, created.stderr);
      const body = jsonOf<Record<string, unknown>>(created);
      assert.deepEqual(body, {
        identifier: API,
        name: 'Invoices',
        scopes: [{ name: 'read:invoices', description: 'Read your invoices' }, { name: 'write:invoices', description: 'Change your invoices' }],
        access_token_ttl: 300,
        resource_server_client_ids: [clientId],
        created_at: body.created_at,
        updated_at: body.created_at,
      });
      const shown = await gatehouse('apis', 'show', API);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^scopes: +read:invoices = Read your invoices$/m);
      assert.match(shown.stdout, /^access_token_ttl: +300 s$/m);
      const listed = await gatehouse('apis', 'list');
      assert.match(listed.stdout, /^https:\/\/api\.example\.com\/ +Invoices +read:invoices write:invoices$/m);
      const audit = await database.store.audit.list({ limit: 5, type: 'api.created' });
      assert.equal(audit[0]?.details.identifier, API);
      assert.match(String(audit[0]?.details.actor), /^cli:.+/);
    });

    it('registers a client for client_credentials alone, without redirect URIs', async () => {
      const shown = await gatehouse('clients', 'show', clientId);
      assert.match(shown.stdout, /^grant_types: +client_credentials$/m);
      assert.match(shown.stdout, /^redirect_uris: +\(none\)$/m);
      const publicClient = await gatehouse('clients', 'create', '--name', 'Public job', '--type', 'public', '--grant-types', 'client_credentials');
      assertOneLineFailure(publicClient, 1, /client_credentials requires a confidential client/);
    });

    it('allows a client some of the scopes, lists and withdraws it', async () => {
      const allowed = await gatehouse('clients', 'allow-api', clientId, '--api', API, '--scope', 'read:invoices', '--json');
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.deepEqual(jsonOf(allowed), { client_id: clientId, apis: [{ identifier: API, scope: 'read:invoices' }] });
      const listed = await gatehouse('clients', 'apis', clientId);
      assert.match(listed.stdout, /^https:\/\/api\.example\.com\/ +read:invoices$/m);
      assertOneLineFailure(await gatehouse('clients', 'allow-api', clientId, '--api', API, '--scope', 'delete:invoices'), 1, /"delete:invoices" is not a scope of/);
      assertOneLineFailure(await gatehouse('clients', 'allow-api', clientId), 1, /name the API with --api/);
      assertOneLineFailure(await gatehouse('clients', 'allow-api', 'nobody', '--api', API), 1, /no client with client_id "nobody"/);
      const withdrawn = await gatehouse('clients', 'disallow-api', clientId, '--api', API, '--json');
      assert.deepEqual(jsonOf(withdrawn), { client_id: clientId, apis: [] });
      assertOneLineFailure(await gatehouse('clients', 'disallow-api', clientId, '--api', API), 1, /is not allowed the API/);
    });

    it('updates some fields, recording which in the audit trail', async () => {
      const updated = await gatehouse('apis', 'update', API, '--name', 'Billing', '--access-token-ttl', 'default', '--no-resource-server-clients', '--json');
      assert.equal(updated.code, 0, updated.stderr);
      const body = jsonOf<Record<string, unknown>>(updated);
      assert.equal(body.name, 'Billing');
      assert.equal(body.access_token_ttl, null);
      assert.deepEqual(body.resource_server_client_ids, []);
      assert.equal((body.scopes as unknown[]).length, 2);
      const [event] = await database.store.audit.list({ limit: 1, type: 'api.updated' });
      assert.deepEqual(event?.details.fields, ['name', 'access_token_ttl', 'resource_server_client_ids']);
    });

    it('refuses bad input with one line and exit 1, never a stack trace', async () => {
      const create = (...args: string[]) => gatehouse('apis', 'create', '--name', 'X', ...args);
      assertOneLineFailure(await create('--identifier', 'api.example.com'), 1, /^gatehouse: identifier: must be an absolute URI without a fragment/);
      assertOneLineFailure(await create('--identifier', 'https://api.example.com/#x'), 1, /without a fragment/);
      assertOneLineFailure(await create('--identifier', 'urn:invoices api'), 1, /in printable ASCII/);
      assertOneLineFailure(await create(), 1, /identifier: an identifier is required/);
      assertOneLineFailure(await create('--identifier', API), 1, /an API with identifier "https:\/\/api\.example\.com\/" already exists/);
      assertOneLineFailure(await create('--identifier', 'https://b.example/', '--scope', 'openid'), 1, /"openid" is an OpenID Connect scope/);
      assertOneLineFailure(await create('--identifier', 'https://b.example/', '--scope', 'a b=x'), 1, /"a b" is not a valid scope token/);
      assertOneLineFailure(await create('--identifier', 'https://b.example/', '--scope', 'a', '--scope', 'a=again'), 1, /"a" is defined twice/);
      assertOneLineFailure(await create('--identifier', 'https://b.example/', '--access-token-ttl', '10'), 1, /access_token_ttl: expected seconds 60-3600, got 10/);
      assertOneLineFailure(await create('--identifier', 'https://b.example/', '--access-token-ttl', 'ten'), 1, /expected seconds or "default"/);
      assertOneLineFailure(await create('--identifier', 'https://b.example/', '--resource-server-client', 'nobody'), 1, /no client with client_id "nobody"/);
      assertOneLineFailure(await create('--identifier', cliEnvironment(database).GATEHOUSE_ISSUER!), 1, /must not be the issuer/);
      assertOneLineFailure(await gatehouse('apis', 'show', 'https://none.example/'), 1, /no API with identifier "https:\/\/none\.example\/"/);
    });

    it('deletes an API with every client\'s access to it', async () => {
      await gatehouse('clients', 'allow-api', clientId, '--api', API);
      const deleted = await gatehouse('apis', 'delete', API, '--json');
      assert.deepEqual(jsonOf(deleted), { identifier: API, deleted: true });
      assert.deepEqual(await database.store.apis.listForClient(clientId), []);
      assertOneLineFailure(await gatehouse('apis', 'delete', API), 1, /no API with identifier/);
    });
  });
});
