// Account policy: what a username, email, display name and password must look like before they are stored.
import { MAX_PASSWORD_BYTES } from './password.js';
import { InvalidUserInput } from './errors.js';

const MAX_USERNAME_LENGTH = 64;
const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 200;
/** NIST SP 800-63B §5.1.1.2: at least 8 characters for a memorised secret chosen by the user. */
export const MIN_PASSWORD_LENGTH = 8;

// Whitespace, control, format (zero-width) and unassigned characters make look-alike usernames.
const INVISIBLE_OR_CONTROL = /[\s\p{C}]/u;
// Deliberately loose (one @, a dot in the domain, no spaces): the only real check is a delivered message.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const lengthOf = (text: string): number => [...text].length;

export function checkUsername(username: string): string {
  if (username === '') throw new InvalidUserInput('username', 'must not be empty');
  if (lengthOf(username) > MAX_USERNAME_LENGTH) throw new InvalidUserInput('username', `must be at most ${MAX_USERNAME_LENGTH} characters`);
  if (INVISIBLE_OR_CONTROL.test(username)) throw new InvalidUserInput('username', 'must not contain whitespace or control characters');
  return username;
}

export function checkEmail(email: string): string {
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(email)) {
    throw new InvalidUserInput('email', `expected an address like name@example.com, got ${JSON.stringify(email.slice(0, 80))}`);
  }
  return email;
}

export function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new InvalidUserInput('name', 'must not be empty when given');
  if (lengthOf(trimmed) > MAX_NAME_LENGTH) throw new InvalidUserInput('name', `must be at most ${MAX_NAME_LENGTH} characters`);
  if (/\p{Cc}/u.test(trimmed)) throw new InvalidUserInput('name', 'must not contain control characters');
  return trimmed;
}

/** Length rules only (NIST SP 800-63B: no composition rules); the message never repeats the password. */
export function checkPassword(password: string): string {
  if (password === '') throw new InvalidUserInput('password', 'must not be empty');
  if (lengthOf(password) < MIN_PASSWORD_LENGTH) throw new InvalidUserInput('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) throw new InvalidUserInput('password', `must be at most ${MAX_PASSWORD_BYTES} bytes`);
  return password;
}
