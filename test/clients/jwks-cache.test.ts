// The per-client JWK Set cache: fresh for its TTL, fetched anew for a changed jwks_uri, refetched for an unknown key
// at most once a minute, one fetch per URI however many wait, and failures never cached.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientJwksCache, UNKNOWN_KEY_REFETCH_INTERVAL } from '../../src/clients/jwks-cache.js';
import type { JsonWebKeySet } from '../../src/store/records.js';

const TTL = 300;
const client = { clientId: 'ledger', jwksUri: 'https://ledger.example/jwks' };

function setup() {
  let now = 1_000;
  const fetched: string[] = [];
  let failNext = false;
  const fetcher = async (uri: string): Promise<JsonWebKeySet> => {
    fetched.push(uri);
    await new Promise((resolve) => setImmediate(resolve));
    if (failNext) {
      failNext = false;
      throw new Error('down');
    }
    return { keys: [{ kty: 'EC', kid: `${uri}#${fetched.length}` }] };
  };
  const cache = new ClientJwksCache(fetcher, TTL, () => now);
  return { cache, fetched, advance: (seconds: number) => (now += seconds), failOnce: () => (failNext = true) };
}

describe('ClientJwksCache', () => {
  it('reuses a set for its TTL, then fetches it again', async () => {
    const { cache, fetched, advance } = setup();
    const first = await cache.keysOf(client);
    advance(TTL - 1);
    assert.equal(await cache.keysOf(client), first);
    advance(1);
    assert.notEqual(await cache.keysOf(client), first);
    assert.equal(fetched.length, 2);
  });

  it('fetches at once when the client has a new jwks_uri', async () => {
    const { cache, fetched } = setup();
    await cache.keysOf(client);
    await cache.keysOf({ ...client, jwksUri: 'https://ledger.example/v2/jwks' });
    assert.deepEqual(fetched, [client.jwksUri, 'https://ledger.example/v2/jwks']);
  });

  it('refetches for an unknown key once, then not again within a minute', async () => {
    const { cache, fetched, advance } = setup();
    await cache.keysOf(client);
    assert.ok(await cache.refetchForUnknownKey(client));
    advance(UNKNOWN_KEY_REFETCH_INTERVAL - 1);
    assert.equal(await cache.refetchForUnknownKey(client), undefined);
    advance(1);
    assert.ok(await cache.refetchForUnknownKey(client));
    assert.equal(fetched.length, 3);
  });

  it('shares one fetch among concurrent callers, and does not cache a failure', async () => {
    const { cache, fetched, failOnce } = setup();
    failOnce();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.keysOf(client)));
    assert.deepEqual(results.map((result) => result.status), Array(5).fill('rejected'));
    assert.equal(fetched.length, 1);
    await cache.keysOf(client);
    assert.equal(fetched.length, 2, 'the next authentication tries again');
  });
});
