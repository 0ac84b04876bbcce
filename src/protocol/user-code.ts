// User codes (RFC 8628 §6.1): short, typed by a person, so drawn from letters that cannot be mistaken for each other.
import { randomInt } from 'node:crypto';
import { hashOpaqueValue } from '../tokens/opaque.js';

/** Consonants without vowels (no words), and without I, L, O or digits (no 0/O, 1/I/L confusion): 19 letters. */
export const USER_CODE_ALPHABET = 'BCDFGHJKMNPQRSTVWXZ';
/** RFC 8628 §6.1: 8 characters of 19 give about 2^34 codes; brute force is left to the verification page's throttle. */
export const USER_CODE_LENGTH = 8;

/** A new user code as shown to the person: `WDJB-MJHT`. */
export function generateUserCode(): string {
  const characters = Array.from({ length: USER_CODE_LENGTH }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]);
  return `${characters.slice(0, 4).join('')}-${characters.slice(4).join('')}`;
}

/**
 * RFC 8628 §6.1: what the person typed, compared case-insensitively and ignoring dashes and spaces; undefined when it
 * cannot be a user code at all (wrong length or a character outside the alphabet).
 */
export function normaliseUserCode(typed: string): string | undefined {
  const normalised = typed.replace(/[\s-]/g, '').toUpperCase();
  if (normalised.length !== USER_CODE_LENGTH) return undefined;
  return [...normalised].every((character) => USER_CODE_ALPHABET.includes(character)) ? normalised : undefined;
}

/** The form the store keeps and looks a user code up by: the hash of its normalised value. */
export function hashUserCode(normalised: string): string {
  return hashOpaqueValue(normalised);
}
