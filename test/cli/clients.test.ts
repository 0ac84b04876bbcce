// `gatehouse clients ...` as a real child process against both engines: JSON shape, one-time secrets, failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli, type CliResult } from './run-cli.js';

interface RegistrationJson {
  readonly client_id: string;
  readonly client_secret?: string;
  readonly [field: string]: unknown;
}

const occurrences = (text: string, value: string): number => text.split(value).length - 1;
const outputOf = (result: CliResult): string => result.stdout + result.stderr;

onSqliteOnly((engine) => {
  describe('gatehouse clients', () => {
    let database: TestStore;
    const gatehouse = (...args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });
    const createBilling = (name: string) =>
      gatehouse('clients', 'create', '--name', name, '--redirect-uri', 'https://billing.example.com/cb', '--redirect-uri', 'http://127.0.0.1/cb',
        '--post-logout-redirect-uri', 'https://billing.example.com/bye', '--grant-types', 'authorization_code,refresh_token', '--first-party', '--json');

    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('creates a client, printing RFC 7591 JSON with the secret once; list and show never print it', async () => {
      const created = await createBilling('Billing');
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stderr, '', 'RS256 has keys: no warning');
      const body = jsonOf<RegistrationJson>(created);
      const secret = body.client_secret!;
      assert.deepEqual(body, {
        client_id: body.client_id,
        client_secret: secret,
        client_secret_expires_at: 0,
        client_id_issued_at: body.client_id_issued_at,
        client_name: 'Billing',
        redirect_uris: ['https://billing.example.com/cb', 'http://127.0.0.1/cb'],
        post_logout_redirect_uris: ['https://billing.example.com/bye'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid profile email offline_access',
        id_token_signed_response_alg: 'RS256',
        require_pushed_authorization_requests: false,
        dpop_bound_access_tokens: false,
        client_type: 'confidential',
        first_party: true,
        updated_at: body.client_id_issued_at,
      });
      assert.equal(occurrences(created.stdout, secret), 1);
      const stored = await database.store.clients.findById(body.client_id);
      assert.equal(stored?.secretHash, hashOpaqueValue(secret));
      const audit = await database.store.audit.list({ limit: 5, type: 'client.created' });
      assert.match(String(audit[0]?.details.actor), /^cli:.+/);

      const [listed, shown] = await Promise.all([gatehouse('clients', 'list', '--json'), gatehouse('clients', 'show', body.client_id)]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(shown.code, 0, shown.stderr);
      assert.deepEqual(jsonOf<RegistrationJson[]>(listed).map((client) => client.client_id), [body.client_id]);
      assert.match(shown.stdout, /client_name: +Billing\n/);
      assert.match(shown.stdout, /id_token_signed_response_alg: +RS256\n/);
      for (const result of [listed, shown]) {
        assert.equal(outputOf(result).includes(secret), false);
        assert.equal(outputOf(result).includes(stored.secretHash), false);
        assert.doesNotMatch(result.stdout, /secret_hash|secretHash|client_secret"/);
      }
    });

    it('refuses a duplicate name or a bad redirect URI with one line and exit 1, changing nothing', async () => {
      const [existing] = await database.store.clients.list();
      const [duplicate, badUri, badAlg] = await Promise.all([
        gatehouse('clients', 'create', '--name', 'Billing', '--redirect-uri', 'https://other.example/cb', '--type', 'public'),
        gatehouse('clients', 'create', '--name', 'Evil', '--redirect-uri', 'https://evil.example/cb#frag'),
        gatehouse('clients', 'create', '--name', 'Unsigned', '--redirect-uri', 'https://other.example/cb', '--id-token-signed-response-alg', 'none'),
      ]);
      assertOneLineFailure(duplicate, 1, /^gatehouse: a client named "Billing" already exists\n$/);
      assertOneLineFailure(badUri, 1, /redirect_uris: redirect URI must not contain a fragment/);
      assertOneLineFailure(badAlg, 1, /id_token_signed_response_alg: unsigned ID tokens \("none"\) are not offered/);
      assert.deepEqual(await database.store.clients.list(), [existing]);
    });

    it('registers, shows and clears dpop_bound_access_tokens (RFC 9449 §5.2)', async () => {
      const created = await gatehouse('clients', 'create', '--name', 'Mobile', '--type', 'public', '--redirect-uri', 'http://127.0.0.1/cb', '--dpop-bound-access-tokens', '--json');
      assert.equal(created.code, 0, created.stderr);
      const clientId = jsonOf<RegistrationJson>(created).client_id;
      assert.equal(jsonOf<RegistrationJson>(created).dpop_bound_access_tokens, true);
      assert.match((await gatehouse('clients', 'show', clientId)).stdout, /dpop_bound_access_tokens: +yes\n/);
      const cleared = await gatehouse('clients', 'update', clientId, '--no-dpop-bound-access-tokens', '--json');
      assert.equal(jsonOf<RegistrationJson>(cleared).dpop_bound_access_tokens, false);
      assert.equal((await database.store.clients.findById(clientId))?.dpopBoundAccessTokens, false);
      const audit = await database.store.audit.list({ limit: 1, type: 'client.updated' });
      assert.deepEqual(audit[0]?.details.fields, ['dpop_bound_access_tokens']);
      assert.equal((await gatehouse('clients', 'delete', clientId)).code, 0);
    });

    it('updates, rotates the secret with a grace period, and deletes', async () => {
      const [existing] = await database.store.clients.list();
      const clientId = existing!.clientId;
      const updated = await gatehouse('clients', 'update', clientId, '--scope', 'openid api:read', '--no-first-party', '--id-token-signed-response-alg', 'ES256', '--json');
      assert.equal(updated.code, 0, updated.stderr);
      const body = jsonOf<RegistrationJson>(updated);
      assert.deepEqual([body.scope, body.first_party, body.id_token_signed_response_alg, body.client_secret], ['openid api:read', false, 'ES256', undefined]);
      assert.equal((await database.store.clients.findById(clientId))?.idTokenSignedResponseAlg, 'ES256');

      const rotated = await gatehouse('clients', 'rotate-secret', clientId);
      assert.equal(rotated.code, 0, rotated.stderr);
      const newSecret = /client_secret: (\S+)/.exec(rotated.stdout)?.[1] ?? assert.fail(rotated.stdout);
      assert.equal(occurrences(rotated.stdout, newSecret), 1);
      assert.match(rotated.stdout, /previous secret keeps working until \d{4}-/);
      const stored = await database.store.clients.findById(clientId);
      assert.equal(stored?.secretHash, hashOpaqueValue(newSecret));
      assert.equal(stored?.previousSecretHash, existing!.secretHash);
      assert.ok(stored.previousSecretExpiresAt! >= stored.updatedAt + 86_400);

      const deleted = await gatehouse('clients', 'delete', clientId);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(await database.store.clients.findById(clientId), undefined);
      const missing = await gatehouse('clients', 'show', clientId, '--json');
      assert.equal(missing.code, 1);
      assert.deepEqual(JSON.parse(missing.stderr), { error: `no client with client_id "${clientId}"` });
    });

    it('registers an algorithm keys.algorithms does not list, with a warning naming the client and the fix', async () => {
      const created = await gatehouse('clients', 'create', '--name', 'Edwards', '--redirect-uri', 'https://ed.example/cb', '--id-token-signed-response-alg', 'EdDSA', '--json');
      assert.equal(created.code, 0, created.stderr);
      const { client_id: clientId } = jsonOf<RegistrationJson>(created);
      assert.equal(jsonOf<RegistrationJson>(created).id_token_signed_response_alg, 'EdDSA');
      const warning = `gatehouse: warning: client "Edwards" (${clientId}) registered id_token_signed_response_alg EdDSA, which keys.algorithms does not list`;
      assert.ok(created.stderr.startsWith(warning), created.stderr);
      const updated = await gatehouse('clients', 'update', clientId, '--id-token-signed-response-alg', 'RS256');
      assert.deepEqual([updated.code, updated.stderr], [0, '']);
    });
  });
});
