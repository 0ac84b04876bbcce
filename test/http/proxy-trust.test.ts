// trustProxy end to end: which X-Forwarded-For entry becomes the audited client IP, and whose X-Request-Id is kept
// (returned, audited, and on the request's one log line).
// The rule is the same on every storage engine, so these run on SQLite only.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { auditEvents } from '../support/flow-fixtures.js';
import { beginInteraction, postLogin, seedClient } from '../support/login.js';
import { useTestServer, type TestServerSuite } from '../support/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FORGED = '198.51.100.66';
const CLIENT = '203.0.113.9';

/** Fails a login with `headers` and returns the request id the server used and the IP its audit event recorded. */
async function failedLogin(suite: TestServerSuite, headers: Record<string, string>): Promise<{ requestId: string; ip: string | null }> {
  const { server } = suite;
  const flow = await beginInteraction(server, await seedClient(server.store));
  const response = await postLogin(flow, { username: `nobody-${randomBytes(4).toString('hex')}`, password: 'wrong password' }, headers);
  assert.equal(response.status, 200, 'the login page again');
  const requestId = response.headers.get('x-request-id') ?? assert.fail('every response carries x-request-id');
  const logged = server.logs().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { msg: string; reqId?: string });
  assert.equal(logged.filter((line) => line.msg === 'request completed' && line.reqId === requestId).length, 1, 'one log line under that id');
  for (let attempt = 0; attempt < 100; attempt++) {
    const event = (await auditEvents(server, 'login.failed')).find((candidate) => candidate.requestId === requestId);
    if (event) return { requestId, ip: event.ip };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`no login.failed event with request id ${requestId}`);
}

const sqlite = { name: 'sqlite' } as const;

describe('trustProxy false (the default)', () => {
  const suite = useTestServer(sqlite);

  it('takes the socket peer as the client and ignores X-Forwarded-For and X-Request-Id', async () => {
    const result = await failedLogin(suite, { 'x-forwarded-for': `${FORGED}, ${CLIENT}`, 'x-request-id': 'chosen-by-caller' });
    assert.equal(result.ip, '127.0.0.1');
    assert.match(result.requestId, UUID);
  });
});

describe('trustProxy as a hop count', () => {
  const oneHop = useTestServer(sqlite, { GATEHOUSE_TRUST_PROXY: '1' });
  const twoHops = useTestServer(sqlite, { GATEHOUSE_TRUST_PROXY: '2' });

  it('with 1, takes the entry the load balancer appended and ignores a forged left-most one', async () => {
    const result = await failedLogin(oneHop, { 'x-forwarded-for': `${FORGED}, ${CLIENT}`, 'x-request-id': 'lb-7f3a.req_01' });
    assert.deepEqual(result, { requestId: 'lb-7f3a.req_01', ip: CLIENT });
  });

  it('with 2, skips the second proxy too', async () => {
    const result = await failedLogin(twoHops, { 'x-forwarded-for': `${FORGED}, ${CLIENT}, 10.0.0.7` });
    assert.equal(result.ip, CLIENT);
  });

  it('keeps a trusted proxy’s X-Request-Id only when it is at most 64 safe characters', async () => {
    for (const unsafe of ['a'.repeat(65), 'has space', 'semi;colon', 'back\\slash', '']) {
      const { requestId } = await failedLogin(oneHop, { 'x-forwarded-for': CLIENT, 'x-request-id': unsafe });
      assert.match(requestId, UUID, `${JSON.stringify(unsafe)} is replaced`);
    }
    const longest = 'A-z.0_'.repeat(10).padEnd(64, '9');
    assert.equal((await failedLogin(oneHop, { 'x-request-id': longest })).requestId, longest);
  });
});

describe('trustProxy as addresses and CIDR ranges', () => {
  // The comma-separated form an environment variable may use.
  const trusted = useTestServer(sqlite, { GATEHOUSE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' });
  const elsewhere = useTestServer(sqlite, { GATEHOUSE_TRUST_PROXY: '["10.0.0.0/8", "2001:db8::/32"]' });

  it('skips trusted addresses from the right and takes the first untrusted one', async () => {
    const result = await failedLogin(trusted, { 'x-forwarded-for': `${FORGED}, ${CLIENT}, 10.20.30.40`, 'x-request-id': 'edge-1' });
    assert.deepEqual(result, { requestId: 'edge-1', ip: CLIENT });
  });

  it('believes neither header from a peer outside the list', async () => {
    const result = await failedLogin(elsewhere, { 'x-forwarded-for': `${FORGED}, ${CLIENT}`, 'x-request-id': 'edge-2' });
    assert.equal(result.ip, '127.0.0.1');
    assert.match(result.requestId, UUID);
  });
});
