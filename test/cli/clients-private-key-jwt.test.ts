// `gatehouse clients create|update --token-endpoint-auth-method private_key_jwt --jwks-file|--jwks-uri` as a real process.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashOpaqueValue } from '../../src/tokens/opaque.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

interface RegistrationJson {
  readonly client_id: string;
  readonly client_secret?: string;
  readonly token_endpoint_auth_method: string;
  readonly jwks?: { keys: Record<string, unknown>[] };
  readonly jwks_uri?: string;
}

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_JWK = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: 'ledger-1', alg: 'ES256', use: 'sig' };
const PRIVATE_JWK = privateKey.export({ format: 'jwk' }) as Record<string, string>;

onSqliteOnly((engine) => {
  describe('gatehouse clients with private_key_jwt', () => {
    let database: TestStore;
    let files: Record<'publicKeys' | 'privateKeys' | 'notJson', string>;
    const gatehouse = (...args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });
    const create = (name: string, ...keyArgs: string[]) =>
      gatehouse('clients', 'create', '--name', name, '--redirect-uri', 'https://ledger.example/cb', '--token-endpoint-auth-method', 'private_key_jwt', ...keyArgs);

    before(async () => {
      database = await createTestStore(engine);
      files = { publicKeys: join(database.dataDir, 'jwks.json'), privateKeys: join(database.dataDir, 'private.json'), notJson: join(database.dataDir, 'broken.json') };
      writeFileSync(files.publicKeys, JSON.stringify({ keys: [PUBLIC_JWK] }));
      writeFileSync(files.privateKeys, JSON.stringify({ keys: [PRIVATE_JWK] }));
      writeFileSync(files.notJson, '{"keys": [');
    });
    after(() => database.cleanup());

    it('registers a client with the keys of a file, printing them and no secret', async () => {
      const created = await create('Ledger', '--jwks-file', files.publicKeys, '--json');
      assert.equal(created.code, 0, created.stderr);
      const body = jsonOf<RegistrationJson>(created);
      assert.equal(body.token_endpoint_auth_method, 'private_key_jwt');
      assert.equal(body.client_secret, undefined);
      assert.deepEqual(body.jwks, { keys: [PUBLIC_JWK] });
      assert.equal((await database.store.clients.findById(body.client_id))?.secretHash, null);
      const shown = await gatehouse('clients', 'show', body.client_id);
      assert.match(shown.stdout, /jwks: +EC ES256 kid ledger-1/);
      const rotate = await gatehouse('clients', 'rotate-secret', body.client_id);
      assertOneLineFailure(rotate, 1, /authenticates with private_key_jwt and has no secret/);
    });

    it('registers a client with a jwks_uri, and switches between the two on update', async () => {
      const created = await create('Ledger by URL', '--jwks-uri', 'https://ledger.example/jwks.json', '--json');
      assert.equal(created.code, 0, created.stderr);
      const { client_id: clientId, jwks_uri: jwksUri } = jsonOf<RegistrationJson>(created);
      assert.equal(jwksUri, 'https://ledger.example/jwks.json');
      assert.match((await gatehouse('clients', 'show', clientId)).stdout, /jwks_uri: +https:\/\/ledger\.example\/jwks\.json/);
      const inline = jsonOf<RegistrationJson>(await gatehouse('clients', 'update', clientId, '--jwks-file', files.publicKeys, '--json'));
      assert.deepEqual([inline.jwks, inline.jwks_uri], [{ keys: [PUBLIC_JWK] }, undefined]);
      const secretBased = jsonOf<RegistrationJson>(await gatehouse('clients', 'update', clientId, '--token-endpoint-auth-method', 'client_secret_basic', '--json'));
      assert.deepEqual([secretBased.token_endpoint_auth_method, secretBased.jwks, secretBased.jwks_uri], ['client_secret_basic', undefined, undefined]);
      const withoutKeys = await gatehouse('clients', 'update', clientId, '--token-endpoint-auth-method', 'private_key_jwt');
      assertOneLineFailure(withoutKeys, 1, /jwks: private_key_jwt needs the client public keys: give jwks or jwks_uri/);
    });

    it('drops the secret of a client that moves to private_key_jwt, and issues a new one when it moves back', async () => {
      const created = jsonOf<RegistrationJson>(await gatehouse('clients', 'create', '--name', 'Mover', '--redirect-uri', 'https://mover.example/cb', '--json'));
      assert.ok(created.client_secret);
      await gatehouse('clients', 'rotate-secret', created.client_id);
      const moved = await gatehouse('clients', 'update', created.client_id, '--token-endpoint-auth-method', 'private_key_jwt', '--jwks-file', files.publicKeys);
      assert.equal(moved.code, 0, moved.stderr);
      const stored = await database.store.clients.findById(created.client_id);
      assert.deepEqual([stored?.secretHash, stored?.previousSecretHash, stored?.previousSecretExpiresAt], [null, null, null]);
      const back = jsonOf<RegistrationJson>(await gatehouse('clients', 'update', created.client_id, '--token-endpoint-auth-method', 'client_secret_basic', '--json'));
      assert.ok(back.client_secret, 'moving back to a secret method issues a new secret, shown once');
      assert.notEqual(back.client_secret, created.client_secret, 'never the old one');
      const restored = await database.store.clients.findById(created.client_id);
      assert.deepEqual([restored?.secretHash, restored?.previousSecretHash], [hashOpaqueValue(back.client_secret), null]);
      await database.store.clients.delete(created.client_id);
    });

    it('refuses unreadable, non-JSON and private key files, and an http jwks_uri, in one line', async () => {
      assertOneLineFailure(await create('Missing', '--jwks-file', join(database.dataDir, 'nope.json')), 2, /--jwks-file: cannot read .*nope\.json \(ENOENT\)/);
      assertOneLineFailure(await create('Broken', '--jwks-file', files.notJson), 1, /jwks: the file .*broken\.json is not JSON/);
      const leaked = await create('Leaky', '--jwks-file', files.privateKeys);
      assertOneLineFailure(leaked, 1, /jwks: key 1 holds the private member "d": register the public key only/);
      assert.ok(!(leaked.stdout + leaked.stderr).includes(PRIVATE_JWK.d!), 'the private key is never echoed');
      assertOneLineFailure(await create('Plain', '--jwks-uri', 'http://ledger.example/jwks'), 1, /jwks_uri: must be https/);
      assertOneLineFailure(await create('Both', '--jwks-uri', 'https://ledger.example/jwks', '--jwks-file', files.publicKeys), 1, /not both/);
      assert.deepEqual((await database.store.clients.list()).map((client) => client.clientName).sort(), ['Ledger', 'Ledger by URL']);
    });
  });
});
