// User service against both engines: account policy, password hashing, duplicates, disabling and events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type GatehouseEvent } from '../observability/events.js';
import { forEachEngine, useTestStore } from '../../test/support/database.js';
import { InvalidUserInput, UserNotFound, UsernameTaken } from './errors.js';
import { verifyPassword } from './password.js';
import { checkEmail, checkName, checkPassword, checkUsername } from './policy.js';
import { UserService } from './service.js';

const NOW = 1_700_000_000;
const PASSWORD = 'correct horse battery staple';

function serviceFor(store: ReturnType<ReturnType<typeof useTestStore>>['store']) {
  const emitted: GatehouseEvent[] = [];
  const events = new EventBus((error) => assert.fail(String(error)));
  events.subscribe((event) => void emitted.push(event));
  return { service: new UserService({ store, events, context: { actor: 'cli:tester' }, clock: () => NOW }), emitted };
}

function refusedField(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    assert.ok(error instanceof InvalidUserInput, `expected InvalidUserInput, got ${String(error)}`);
    assert.equal(error.message.includes(PASSWORD), false);
    return error.message;
  }
  assert.fail('expected the input to be refused');
}

describe('account policy', () => {
  it('refuses bad usernames, emails and names, naming the field', () => {
    for (const username of ['', 'a b', 'tab\tname', 'zero\u200bwidth', 'bell\u0007', 'x'.repeat(65)]) {
      assert.match(refusedField(() => checkUsername(username)), /^username: /, JSON.stringify(username));
    }
    assert.equal(checkUsername('élodie.o\'brien+1@corp'), 'élodie.o\'brien+1@corp');
    for (const email of ['alice', 'alice@', '@example.com', 'a b@example.com', 'alice@example']) {
      assert.match(refusedField(() => checkEmail(email)), /^email: expected an address like name@example.com/, email);
    }
    assert.match(refusedField(() => checkName('   ')), /^name: must not be empty/);
    assert.match(refusedField(() => checkName('a\nb')), /^name: must not contain control characters/);
  });

  it('holds passwords to 8 characters and 1024 bytes without repeating them', () => {
    assert.equal(refusedField(() => checkPassword('')), 'password: must not be empty');
    assert.equal(refusedField(() => checkPassword('short12')), 'password: must be at least 8 characters');
    assert.equal(refusedField(() => checkPassword('x'.repeat(1025))), 'password: must be at most 1024 bytes');
    assert.equal(refusedField(() => checkPassword('é'.repeat(513))), 'password: must be at most 1024 bytes');
    assert.equal(checkPassword('        '), '        ');
  });
});

forEachEngine((engine) => {
  describe('UserService', () => {
    const current = useTestStore(engine);

    it('creates a user with an argon2id hash and never returns it', async () => {
      const { store } = current();
      const { service, emitted } = serviceFor(store);
      const user = await service.create({ username: 'alice', password: PASSWORD, email: 'alice@example.com', name: ' Alice Liddell ' });
      assert.match(user.userId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(user.name, 'Alice Liddell');
      assert.equal(user.emailVerified, false);
      assert.equal('passwordHash' in user, false);
      const stored = await store.users.findByUsername('alice');
      assert.match(stored!.passwordHash, /^\$argon2id\$/);
      assert.equal(await verifyPassword(stored!.passwordHash, PASSWORD), true);
      assert.deepEqual(emitted, [{ type: 'user.created', userId: user.userId }]);
    });

    it('refuses a taken username with a clear message', async () => {
      const { service } = serviceFor(current().store);
      await service.create({ username: 'alice', password: PASSWORD });
      await assert.rejects(service.create({ username: 'alice', password: 'another password' }), (error: unknown) => {
        assert.ok(error instanceof UsernameTaken);
        assert.equal(error.message, 'username "alice" is already taken');
        return true;
      });
    });

    it('sets a new password, disables once, and lists users without hashes', async () => {
      const { store } = current();
      const { service, emitted } = serviceFor(store);
      const user = await service.create({ username: 'alice', password: PASSWORD });
      await service.setPassword('alice', 'a brand new passphrase');
      const stored = await store.users.findById(user.userId);
      assert.equal(await verifyPassword(stored!.passwordHash, 'a brand new passphrase'), true);
      assert.equal(await verifyPassword(stored!.passwordHash, PASSWORD), false);
      assert.deepEqual((await service.disable('alice')).changed, true);
      assert.deepEqual((await service.disable('alice')).changed, false);
      assert.equal((await store.users.findById(user.userId))?.disabledAt, NOW);
      assert.deepEqual(emitted.map((event) => event.type), ['user.created', 'user.password_changed', 'user.disabled']);
      const listed = await service.list();
      assert.deepEqual(listed.map((entry) => entry.username), ['alice']);
      assert.equal(JSON.stringify(listed).includes('$argon2'), false);
      await assert.rejects(service.setPassword('nobody', PASSWORD), UserNotFound);
      await assert.rejects(service.disable('nobody'), /no user named "nobody"/);
    });
  });
});
