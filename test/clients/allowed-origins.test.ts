// Allowed CORS origins: which redirect URIs open an origin, and how long a computed set is reused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AllowedOrigins, allowedOriginsOf, browserOriginOf } from '../../src/clients/allowed-origins.js';
import type { ClientRecord } from '../../src/store/records.js';

function client(tokenEndpointAuthMethod: ClientRecord['tokenEndpointAuthMethod'], redirectUris: string[]): ClientRecord {
  return { tokenEndpointAuthMethod, redirectUris } as Partial<ClientRecord> as ClientRecord;
}

describe('allowed origins', () => {
  it('takes the origin of http and https redirect URIs only', () => {
    assert.equal(browserOriginOf('https://App.Example:443/cb?x=1'), 'https://app.example');
    assert.equal(browserOriginOf('http://127.0.0.1:8080/callback'), 'http://127.0.0.1:8080');
    assert.equal(browserOriginOf('com.example.app:/callback'), undefined);
    assert.equal(browserOriginOf('not a uri'), undefined);
  });

  it('counts public clients only', () => {
    const origins = allowedOriginsOf([
      client('none', ['https://spa.example/cb', 'https://spa.example/other', 'com.example.app:/cb']),
      client('client_secret_basic', ['https://server.example/cb']),
    ]);
    assert.deepEqual([...origins], ['https://spa.example']);
  });

  it('reads the client list again only once the TTL has passed, once for concurrent callers', async () => {
    let now = 0;
    let reads = 0;
    let clients = [client('none', ['https://first.example/cb'])];
    const list = () => {
      reads++;
      return Promise.resolve(clients);
    };
    const allowed = new AllowedOrigins({ list }, 500, () => now);
    assert.deepEqual(await Promise.all([allowed.allows('https://first.example'), allowed.allows('https://other.example')]), [true, false]);
    assert.equal(reads, 1);
    clients = [client('none', ['https://second.example/cb'])];
    now = 499;
    assert.equal(await allowed.allows('https://second.example'), false);
    now = 500;
    assert.equal(await allowed.allows('https://second.example'), true);
    assert.equal(await allowed.allows('https://first.example'), false);
    assert.equal(reads, 2);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const list = () => (fail ? Promise.reject(new Error('database down')) : Promise.resolve([client('none', ['https://spa.example/cb'])]));
    const allowed = new AllowedOrigins({ list }, 500, () => 0);
    await assert.rejects(allowed.allows('https://spa.example'), /database down/);
    fail = false;
    assert.equal(await allowed.allows('https://spa.example'), true);
  });
});
