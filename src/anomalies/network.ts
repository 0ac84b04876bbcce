// An IP address's network at a configured prefix length (IPv4 /24, IPv6 /48 by default), and whether an IP is in one.
import { isIP } from 'node:net';

/** Prefix lengths networks are cut at (`anomalies.ipv4Prefix`, `anomalies.ipv6Prefix`). */
export interface NetworkPrefixes {
  readonly ipv4Prefix: number;
  readonly ipv6Prefix: number;
}

interface Address {
  readonly version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

/** 16 bytes of an IPv6 address (any `::` expanded, a trailing dotted IPv4 part included, a zone id dropped). */
function ipv6Bytes(text: string): Uint8Array {
  let groups = text.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    groups = groups.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = groups.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros: string[] = Array.from({ length: 8 - headGroups.length - tailGroups.length }, () => '0');
  const bytes = new Uint8Array(16);
  [...headGroups, ...zeros, ...tailGroups].forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** The address, an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, as a dual-stack socket reports) read as IPv4. */
function parseAddress(text: string): Address | undefined {
  const version = isIP(text);
  if (version === 4) return { version, bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (version !== 6) return undefined;
  const bytes = ipv6Bytes(text);
  const mapped = bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? { version: 4, bytes: bytes.slice(12) } : { version: 6, bytes };
}

function masked(bytes: Uint8Array, prefix: number): Uint8Array {
  return bytes.map((byte, index) => {
    const keep = Math.min(8, Math.max(0, prefix - index * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
}

function formatNetwork(address: Address, prefix: number): string {
  const bytes = masked(address.bytes, prefix);
  if (address.version === 4) return `${bytes.join('.')}/${prefix}`;
  const groups = Array.from({ length: 8 }, (_, index) => ((bytes[index * 2]! << 8) | bytes[index * 2 + 1]!).toString(16));
  return `${groups.join(':')}/${prefix}`;
}

/** `203.0.113.0/24` for 203.0.113.7 at the default prefixes; undefined for anything that is not an IP address. */
export function networkOf(ip: string, prefixes: NetworkPrefixes): string | undefined {
  const address = parseAddress(ip);
  if (address === undefined) return undefined;
  return formatNetwork(address, address.version === 4 ? prefixes.ipv4Prefix : prefixes.ipv6Prefix);
}

/**
 * Whether `ip` lies in `network` (as `networkOf` wrote it), at the network's own prefix length: a network recorded
 * before the prefix lengths changed still holds the addresses it held.
 */
export function isInNetwork(ip: string, network: string): boolean {
  const [base = '', prefixText = ''] = network.split('/');
  const address = parseAddress(ip);
  const networkAddress = parseAddress(base);
  const prefix = Number(prefixText);
  if (address === undefined || networkAddress === undefined || address.version !== networkAddress.version || !Number.isInteger(prefix)) return false;
  return formatNetwork(address, prefix) === formatNetwork(networkAddress, prefix);
}
