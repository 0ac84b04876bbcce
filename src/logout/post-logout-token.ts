// Sends one logout token to a client's backchannel_logout_uri (Back-Channel Logout §2.5) and says how it went.
import { postBounded, type PostOutcome } from '../outbound/bounded-post.js';

export type { PostOutcome } from '../outbound/bounded-post.js';

/**
 * POSTs `logout_token=<token>` as a form, giving up after `timeoutMs` or when `stop` aborts. Redirects are not
 * followed (a 3xx is a failure): the token goes only to the URI the client registered.
 */
export function postLogoutToken(uri: string, token: string, timeoutMs: number, stop: AbortSignal): Promise<PostOutcome> {
  const body = new URLSearchParams({ logout_token: token }).toString();
  return postBounded(uri, { contentType: 'application/x-www-form-urlencoded', body }, timeoutMs, stop);
}
