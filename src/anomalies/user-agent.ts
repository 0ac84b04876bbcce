// A User-Agent reduced to what identifies the software and platform, so updates do not look like another device.
import { createHash } from 'node:crypto';

/** Product versions (`Chrome/120.0.6099.71`, `Mobile/15E148`), then any other number (`Windows NT 10.0`, `rv:121.0`, `x86_64`). */
const PRODUCT_VERSION = /\/[^\s;()]*/g;
const NUMBER = /\d+(?:[._]\d+)*/g;

/**
 * The User-Agent's words with every version number removed. Chrome and Firefox ship a major version every four
 * weeks and Safari's follows the OS, so a comparison that kept even the major version would alarm monthly for every
 * user; what remains still tells Chrome from Firefox, Windows from Android, and a browser from a script.
 */
export function userAgentWithoutVersions(userAgent: string | null): string {
  return (userAgent ?? '').replace(PRODUCT_VERSION, '').replace(NUMBER, '').replace(/\s+/g, ' ').trim();
}

/** SHA-256 (base64url) of `userAgentWithoutVersions`: what a family remembers, at a fixed size. */
export function userAgentDigest(userAgent: string | null): string {
  return createHash('sha256').update(userAgentWithoutVersions(userAgent), 'utf8').digest('base64url');
}
