// Who may read /metrics: anyone in dev mode, otherwise only a scraper presenting metrics.bearerToken.
import { InvalidToken } from '../errors/oauth-errors.js';
import { safeEqual } from '../tokens/opaque.js';

export interface ScrapeAccess {
  /** Dev mode on the main port, or the private listener without a token: no token asked. */
  readonly open: boolean;
  /** `metrics.bearerToken`; undefined: nobody may scrape unless `open`. */
  readonly bearerToken: string | undefined;
}

const BEARER = /^Bearer +(\S+) *$/i;

/** RFC 6750 §2.1: `Authorization: Bearer <token>`, compared in constant time. */
export function mayScrape(authorization: string | undefined, access: ScrapeAccess): boolean {
  if (access.open) return true;
  const presented = BEARER.exec(authorization ?? '')?.[1];
  return access.bearerToken !== undefined && presented !== undefined && safeEqual(presented, access.bearerToken);
}

/**
 * The one refusal, whatever was wrong (no token, a wrong one, another scheme, none configured): a bare Bearer challenge
 * (RFC 6750 §3.1), so the answer tells nothing about the token or the setting.
 */
export function scrapeRefused(): InvalidToken {
  return new InvalidToken({ noTokenPresented: true });
}
