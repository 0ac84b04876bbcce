// The `trustProxy` setting: which peers may tell Gatehouse the client's IP (X-Forwarded-For) and request id.
import { isIP } from 'node:net';
import { z } from 'zod';

/** The most proxies a hop count may name; a longer chain is better described by the proxies' addresses. */
export const MAX_PROXY_HOPS = 16;

/** `false`: trust no proxy; a number: that many proxies nearest Gatehouse; a list: proxies at these addresses. */
export type TrustProxySetting = false | number | readonly string[];

/** An IP address with a prefix length: a single address has the full length (32 or 128). */
export interface ProxyRange {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address; undefined for anything else, a zero prefix included. */
export function parseProxyRange(text: string): ProxyRange | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  // A /0 range trusts every peer, which would let any caller choose its own IP: the refused `true` by another name.
  return prefix >= 1 && prefix <= max ? { address, prefix, family } : undefined;
}

const REFUSED_TRUE =
  'true is refused: it would trust X-Forwarded-For from any caller, who could then choose its own IP; ' +
  'set the number of proxies in front of Gatehouse (e.g. 1 for one load balancer) or their addresses (e.g. ["10.0.0.0/8"])';

/** Refuses `true` with its reason; reads a comma-separated string (as an environment variable gives it) as a list. */
function readSetting(value: unknown, context: z.core.$RefinementCtx): unknown {
  if (value === true) {
    context.addIssue({ code: 'custom', message: REFUSED_TRUE });
    return z.NEVER;
  }
  if (typeof value !== 'string') return value;
  return value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

function checkRanges(context: z.core.ParsePayload<TrustProxySetting>): void {
  const setting = context.value;
  if (!Array.isArray(setting)) return;
  setting.forEach((entry: string, index: number) => {
    if (parseProxyRange(entry) !== undefined) return;
    context.issues.push({
      code: 'custom',
      path: [index],
      input: entry,
      message: `${JSON.stringify(entry).slice(0, 80)} is not an IP address or CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)`,
    });
  });
}

/** The schema of `trustProxy`, with the custom messages that `describeIssue` shows as they are. */
export const trustProxySchema = z.preprocess(
  readSetting,
  z
    .union([z.literal(false), z.number().int().min(1).max(MAX_PROXY_HOPS), z.array(z.string()).min(1)])
    .check(checkRanges),
);
