import assert from 'node:assert/strict';
import { it } from 'node:test';
import { withCachedApiReads } from './cached-api-reads.js';
import type { ApiRecord, ClientApiAccess } from './records.js';
import type { ApiRepository, Store } from './store.js';

/** An API repository that counts its reads and can be told to fail the next one. */
function countingApis() {
  const reads = { listForClient: 0, findByIdentifier: 0 };
  let access: readonly ClientApiAccess[] = [];
  let failNext = false;
  const read = <T>(value: T): Promise<T> => {
    if (!failNext) return Promise.resolve(value);
    failNext = false;
    return Promise.reject(new Error('the database is unavailable'));
  };
  const apis: ApiRepository = {
    listForClient: () => (reads.listForClient++, read(access)),
    findByIdentifier: (identifier) => (reads.findByIdentifier++, read({ identifier } as ApiRecord)),
    list: () => Promise.resolve([]),
    create: () => Promise.resolve(),
    update: () => Promise.resolve(undefined),
    delete: () => Promise.reject(new Error('refused')),
    allowClient: () => {
      access = [{ api: { identifier: 'https://api.example/' } } as ClientApiAccess];
      return Promise.resolve();
    },
    disallowClient: () => Promise.resolve(true),
  };
  const store = { engine: 'sqlite', apis, ping: () => Promise.resolve() } as unknown as Store;
  return { store, reads, failNextRead: () => (failNext = true) };
}

function fakeClock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

it("keeps a client's API access and an API for the TTL, then reads them again", async () => {
  const { store, reads } = countingApis();
  const clock = fakeClock();
  const cached = withCachedApiReads(store, 500, clock.now);
  await cached.apis.listForClient('c1');
  await cached.apis.listForClient('c1');
  await cached.apis.findByIdentifier('https://api.example/');
  await cached.apis.findByIdentifier('https://api.example/');
  assert.deepEqual(reads, { listForClient: 1, findByIdentifier: 1 });
  await cached.apis.listForClient('c2');
  assert.equal(reads.listForClient, 2, 'each client has its own entry');
  clock.advance(500);
  await cached.apis.listForClient('c1');
  await cached.apis.findByIdentifier('https://api.example/');
  assert.deepEqual(reads, { listForClient: 3, findByIdentifier: 2 });
});

it('shares one read between requests that arrive while it runs', async () => {
  const { store, reads } = countingApis();
  const cached = withCachedApiReads(store, 500, fakeClock().now);
  await Promise.all([cached.apis.listForClient('c1'), cached.apis.listForClient('c1'), cached.apis.listForClient('c1')]);
  assert.equal(reads.listForClient, 1);
});

it('keeps no failed read: the next request reads again', async () => {
  const { store, reads, failNextRead } = countingApis();
  const cached = withCachedApiReads(store, 500, fakeClock().now);
  failNextRead();
  await assert.rejects(cached.apis.listForClient('c1'), /unavailable/);
  assert.deepEqual(await cached.apis.listForClient('c1'), []);
  assert.equal(reads.listForClient, 2);
});

it('sees a change made through it at once, and after a write that failed too', async () => {
  const { store, reads } = countingApis();
  const cached = withCachedApiReads(store, 60_000, fakeClock().now);
  assert.deepEqual(await cached.apis.listForClient('c1'), []);
  await cached.apis.allowClient('c1', 'https://api.example/', 'read', 0);
  assert.equal((await cached.apis.listForClient('c1')).length, 1);
  await assert.rejects(cached.apis.delete('https://api.example/'), /refused/);
  await cached.apis.listForClient('c1');
  assert.equal(reads.listForClient, 3);
});

it('with a TTL of 0 reads every time, and leaves the rest of the store as it is', async () => {
  const { store, reads } = countingApis();
  const cached = withCachedApiReads(store, 0, fakeClock().now);
  await cached.apis.listForClient('c1');
  await cached.apis.listForClient('c1');
  assert.equal(reads.listForClient, 2);
  assert.equal(cached.engine, 'sqlite');
  await cached.ping();
});
