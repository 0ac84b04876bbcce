// Tests for opaque values: length and entropy of generated values, the storage hash, and constant-time comparison.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generateOpaqueValue, hashOpaqueValue, safeEqual } from '../../src/tokens/opaque.js';

describe('generateOpaqueValue', () => {
  it('gives 32 random bytes as 43 base64url characters by default', () => {
    const value = generateOpaqueValue();
    assert.match(value, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(value, 'base64url').length, 32);
  });

  it('honours the requested size', () => {
    assert.equal(Buffer.from(generateOpaqueValue(16), 'base64url').length, 16);
    assert.equal(Buffer.from(generateOpaqueValue(48), 'base64url').length, 48);
  });

  it('refuses fewer than 128 bits', () => {
    assert.throws(() => generateOpaqueValue(15), RangeError);
    assert.throws(() => generateOpaqueValue(16.5), RangeError);
  });

  it('never repeats and spreads bits evenly (entropy sanity check)', () => {
    const values = Array.from({ length: 2000 }, () => generateOpaqueValue());
    assert.equal(new Set(values).size, values.length);
    let ones = 0;
    for (const value of values) for (const byte of Buffer.from(value, 'base64url')) ones += popcount(byte);
    const bits = values.length * 32 * 8;
    // 512,000 fair coin flips: the share of ones sits within 0.5 ± 0.005 far beyond any plausible chance.
    assert.ok(Math.abs(ones / bits - 0.5) < 0.005, `share of one bits ${ones / bits}`);
  });
});

describe('hashOpaqueValue', () => {
  it('is SHA-256 as base64url, stable and distinct per value', () => {
    const value = generateOpaqueValue();
    const expected = createHash('sha256').update(value).digest('base64url');
    assert.equal(hashOpaqueValue(value), expected);
    assert.equal(hashOpaqueValue(value), hashOpaqueValue(value));
    assert.notEqual(hashOpaqueValue(value), hashOpaqueValue(`${value}x`));
    assert.match(hashOpaqueValue(value), /^[A-Za-z0-9_-]{43}$/);
  });
});

describe('safeEqual', () => {
  it('is true only for identical strings', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'ABC'), false);
  });

  it('handles different lengths without throwing', () => {
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', 'a'), false);
    assert.equal(safeEqual('a'.repeat(10_000), 'a'), false);
  });

  it('compares Unicode by its UTF-8 bytes', () => {
    assert.equal(safeEqual('é', 'é'), true);
    assert.equal(safeEqual('\u00e9', 'e\u0301'), false);
  });
});

function popcount(byte: number): number {
  let count = 0;
  for (let bits = byte; bits !== 0; bits >>= 1) count += bits & 1;
  return count;
}
