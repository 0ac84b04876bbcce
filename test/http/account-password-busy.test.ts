// The account page's password change at the password-hashing cap: no slot for checking the current password, or for
// hashing the new one, is a 503 "busy" page with Retry-After, and the password and session stay as they were.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openAccount, signInToAccount } from '../support/account.js';
import { assertErrorPage } from '../support/authorization.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { beginInteraction, PASSWORD, postForm, postLogin, seedClient, seedUser } from '../support/login.js';
import { ContendedPasswords } from '../support/contended-passwords.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NEW_PASSWORD = 'a much longer new passphrase';

forEachEngine((engine) => {
  describe(`account password change at the hashing cap (${engine.name})`, () => {
    const passwords = new ContendedPasswords();
    let database: TestStore;
    let server: TestServer;
    before(async () => {
      database = await createTestStore(engine);
      const env = { GATEHOUSE_LIMITS_CONCURRENT_PASSWORD_HASHES: '1', GATEHOUSE_LIMITS_PASSWORD_HASH_QUEUE_TIMEOUT: '0' };
      server = await startTestServer(database, env, { passwords });
    });
    after(async () => {
      await server.close();
      await database.cleanup();
    });

    const change = { current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD };

    it('answers 503 with Retry-After when no slot is free to check the current password', async () => {
      const user = await seedUser(server.store);
      const browser = await signInToAccount(server, user);
      const { csrfToken } = await openAccount(browser);
      const holding = await beginInteraction(server, await seedClient(server.store));
      const hold = passwords.holdNextVerify();
      const login = postLogin(holding, { username: user.username, password: PASSWORD });
      await hold.started;
      const response = await postForm(browser, '/account/password', { csrf_token: csrfToken, ...change });
      assert.equal(response.headers.get('retry-after'), '1');
      assert.match(await assertErrorPage(response, 503), /Gatehouse is busy right now/);
      hold.release();
      assert.equal((await login).status, 303);
      assert.equal((await server.store.users.findById(user.userId))?.passwordHash, user.passwordHash);
    });

    it('answers 503 with Retry-After when no slot is free to hash the new password, and changes nothing', async () => {
      const user = await seedUser(server.store);
      const browser = await signInToAccount(server, user);
      const { csrfToken } = await openAccount(browser);
      passwords.hashesBusy = true;
      try {
        const response = await postForm(browser, '/account/password', { csrf_token: csrfToken, ...change });
        assert.equal(response.headers.get('retry-after'), '1');
        await assertErrorPage(response, 503);
      } finally {
        passwords.hashesBusy = false;
      }
      assert.equal((await server.store.users.findById(user.userId))?.passwordHash, user.passwordHash);
      assert.equal((await openAccount(browser)).response.status, 200, 'still signed in');
    });
  });
});
