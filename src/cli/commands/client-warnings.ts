// Warnings on stderr about a client being registered: allowed, but likely not what the operator wants.
import { printNote } from '../output.js';

/**
 * RFC 8252 §8.3: a `localhost` redirect URI stays allowed (matched exactly), but the loopback IP literal is advised:
 * `localhost` may resolve elsewhere, or be answered by another program on the machine. Said on stderr.
 */
export function warnAboutLocalhost(redirectUris: readonly string[] | undefined): void {
  for (const uri of redirectUris ?? []) {
    if (!URL.canParse(uri)) continue;
    const url = new URL(uri);
    if (url.protocol !== 'http:' || url.hostname !== 'localhost') continue;
    url.hostname = '127.0.0.1';
    printNote(`warning: redirect URI ${uri} uses "localhost"; RFC 8252 §8.3 advises the loopback IP literal instead, e.g. ${url.href}`);
  }
}
