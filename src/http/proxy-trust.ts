// Which peers are trusted proxies (the `trustProxy` setting), compiled once into the function Fastify and the
// request id both consult, so the client IP and the request id follow the same rule (SECURITY.md, Proxies).
import { BlockList, isIP } from 'node:net';
import { parseProxyRange, type TrustProxySetting } from '../config/trust-proxy.js';

/**
 * Whether the address at `hop` is a trusted proxy: hop 0 is the socket's peer, hop 1 the right-most
 * X-Forwarded-For entry, and so on leftwards. The client IP is the first address, from the right, that is not.
 */
export type ProxyTrust = (address: string | undefined, hop: number) => boolean;

export function compileProxyTrust(setting: TrustProxySetting): ProxyTrust {
  if (setting === false) return () => false;
  // A count trusts the n nearest hops whatever their address: Gatehouse must be reachable only through them.
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const ranges = new BlockList();
  for (const entry of setting) {
    const range = parseProxyRange(entry);
    // The config schema refused malformed entries; reaching this is a programming error.
    if (range === undefined) throw new Error(`trustProxy: ${entry} is not an IP address or CIDR range`);
    ranges.addSubnet(range.address, range.prefix, range.family);
  }
  return (address) => {
    const version = address === undefined ? 0 : isIP(address);
    return version !== 0 && ranges.check(address!, version === 4 ? 'ipv4' : 'ipv6');
  };
}
