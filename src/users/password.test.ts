// Tests for argon2id password hashing: round trip, malformed hashes, rehash policy and the length limit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hash } from '@node-rs/argon2';
import {
  MAX_PASSWORD_BYTES,
  PasswordTooLongError,
  hashPassword,
  needsRehash,
  verifyDummyPassword,
  verifyPassword,
} from './password.js';

describe('password hashing', () => {
  it('produces an argon2id PHC string with the OWASP parameters', async () => {
    const phc = await hashPassword('correct horse battery staple');
    assert.match(phc, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.equal(needsRehash(phc), false);
  });

  it('salts every hash', async () => {
    assert.notEqual(await hashPassword('same'), await hashPassword('same'));
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const phc = await hashPassword('s3cret-pässword');
    assert.equal(await verifyPassword(phc, 's3cret-pässword'), true);
    assert.equal(await verifyPassword(phc, 's3cret-password'), false);
    assert.equal(await verifyPassword(phc, ''), false);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const phc = await hashPassword('caf\u00e9');
    assert.equal(await verifyPassword(phc, 'cafe\u0301'), true);
  });

  it('returns false, never throws, for a malformed stored hash', async () => {
    for (const stored of ['', 'garbage', '$argon2id$v=19$m=19456,t=2,p=1$', '$2b$10$abcdefghijklmnopqrstuv']) {
      assert.equal(await verifyPassword(stored, 'anything'), false, stored);
    }
  });

  it('asks for a rehash when parameters are below the current ones or the hash is not argon2id', async () => {
    const weak = await hash('pw', { memoryCost: 4096, timeCost: 2, parallelism: 1, algorithm: 2 });
    const fewPasses = await hash('pw', { memoryCost: 19_456, timeCost: 1, parallelism: 1, algorithm: 2 });
    const argon2i = await hash('pw', { memoryCost: 19_456, timeCost: 2, parallelism: 1, algorithm: 1 });
    const stronger = await hash('pw', { memoryCost: 65_536, timeCost: 3, parallelism: 1, algorithm: 2 });
    assert.equal(needsRehash(weak), true);
    assert.equal(needsRehash(fewPasses), true);
    assert.equal(needsRehash(argon2i), true);
    assert.equal(needsRehash(stronger), false);
    assert.equal(needsRehash('not a hash'), true);
    assert.equal(await verifyPassword(weak, 'pw'), true);
  });

  it('rejects a password longer than 1024 bytes as a validation error', async () => {
    const phc = await hashPassword('short');
    const atLimit = 'a'.repeat(MAX_PASSWORD_BYTES);
    const overByMultibyte = '\u00e9'.repeat(MAX_PASSWORD_BYTES / 2 + 1);
    assert.equal(await verifyPassword(await hashPassword(atLimit), atLimit), true);
    await assert.rejects(hashPassword(`${atLimit}a`), PasswordTooLongError);
    await assert.rejects(hashPassword(overByMultibyte), PasswordTooLongError);
    await assert.rejects(verifyPassword(phc, `${atLimit}a`), PasswordTooLongError);
    await assert.rejects(verifyDummyPassword(`${atLimit}a`), PasswordTooLongError);
  });

  it('verifies a dummy for unknown users and always says no', async () => {
    assert.equal(await verifyDummyPassword('anything'), false);
    assert.equal(await verifyDummyPassword(''), false);
  });
});
