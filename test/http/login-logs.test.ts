// Failed and throttled logins reach the log (throttling as a warning), naming the username by hash, never the password.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import { beginInteraction, postLogin, seedClient, seedUser } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const PINO_INFO = 30;
const PINO_WARN = 40;

forEachEngine((engine) => {
  describe(`login logs (${engine.name})`, () => {
    const suite = useTestServer(engine, { GATEHOUSE_RATE_LIMITS_LOGIN_FAILURES_PER_ACCOUNT: '2' });

    it('logs each failed login at info and the throttling at warn, with the username hashed and no password', async () => {
      const { server } = suite;
      const client = await seedClient(server.store);
      const user = await seedUser(server.store);
      const password = `wrong-${randomBytes(8).toString('hex')}`;
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const response = await postLogin(await beginInteraction(server, client), { username: user.username, password });
        await response.body?.cancel();
      }
      const usernameHash = createHash('sha256').update(user.username).digest('base64url');
      const lines = server.logs().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const about = (message: string) => lines.filter((line) => line.msg === message && line.usernameHash === usernameHash);
      const failed = about('event login.failed');
      assert.deepEqual(failed.map((line) => [line.level, line.event, line.clientId, line.userId, line.knownDevice]), [
        [PINO_INFO, 'login.failed', client.clientId, user.userId, false],
        [PINO_INFO, 'login.failed', client.clientId, user.userId, false],
      ]);
      const [throttled, ...more] = about('event login.throttled');
      assert.deepEqual([throttled?.level, throttled?.scope, throttled?.retryAfter, more.length], [PINO_WARN, 'account', 60, 0]);
      assert.ok([...failed, throttled].every((line) => typeof line?.reqId === 'string' && line.ip === '127.0.0.1'), 'each line names its request and IP');
      assert.ok(!server.logs().includes(user.username), 'the username appears only hashed');
      assert.ok(!server.logs().includes(password), 'the password never appears');
    });
  });
});
