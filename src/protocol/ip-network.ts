// IP addresses and the networks around them, for everything keyed or compared by network (login throttling, refresh
// context changes): node:net validates and writes addresses, an IPv4-mapped IPv6 address counts as its IPv4 address.
import { isIP, SocketAddress } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

/** A valid address in its canonical text: dotted IPv4, or IPv6 as RFC 5952 §4 writes it (lower case, `::`, no zone). */
export interface IpAddress {
  readonly family: IpFamily;
  readonly address: string;
}

/** Prefix lengths networks are cut at, per family. */
export interface NetworkPrefixes {
  readonly ipv4Prefix: number;
  readonly ipv6Prefix: number;
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/;
const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

/**
 * The address in `text`, or undefined when it is none. A dual-stack socket reports IPv4 clients as `::ffff:192.0.2.1`,
 * which is read as 192.0.2.1 so one client has one network; a zone id (`fe80::1%eth0`) names a local interface, not
 * another address, and is dropped.
 */
export function parseIp(text: string): IpAddress | undefined {
  const version = isIP(text);
  if (version === 0) return undefined;
  const family: IpFamily = version === 4 ? 'ipv4' : 'ipv6';
  const { address } = new SocketAddress({ address: text, family });
  const mapped = MAPPED_IPV4.exec(address);
  return mapped ? { family: 'ipv4', address: mapped[1]! } : { family, address };
}

/** 4 or 16 bytes in network order; the text is canonical, so it has at most one `::` and a dotted tail only last. */
function bytesOf({ family, address }: IpAddress): number[] {
  if (family === 'ipv4') return address.split('.').map(Number);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted ? `${address.slice(0, dotted.index)}0:0` : address;
  const groupsOf = (part: string | undefined) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const [head, tail] = text.split('::').map(groupsOf) as [number[], number[] | undefined];
  const groups = tail === undefined ? head : [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]);
  if (dotted) bytes.splice(12, 4, ...dotted.slice(1, 5).map(Number));
  return bytes;
}

/** The address's bytes with every bit past `prefix` cleared. */
function maskedBytes(ip: IpAddress, prefix: number): number[] {
  return bytesOf(ip).map((byte, index) => byte & (0xff << (8 - Math.min(8, Math.max(0, prefix - index * 8)))) & 0xff);
}

/** `address`'s network at `prefix` bits, as CIDR in canonical text: `203.0.113.0/24`, `2001:db8:abcd::/48`. */
export function networkAt(ip: IpAddress, prefix: number): string {
  const masked = maskedBytes(ip, prefix);
  if (ip.family === 'ipv4') return `${masked.join('.')}/${prefix}`;
  const groups = Array.from({ length: 8 }, (_, index) => ((masked[index * 2]! << 8) | masked[index * 2 + 1]!).toString(16));
  return `${new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address}/${prefix}`;
}

/** `ip`'s network at the prefix length for its family; undefined for anything that is not an IP address. */
export function networkOf(ip: string, prefixes: NetworkPrefixes): string | undefined {
  const address = parseIp(ip);
  if (address === undefined) return undefined;
  return networkAt(address, address.family === 'ipv4' ? prefixes.ipv4Prefix : prefixes.ipv6Prefix);
}

/** Reads `203.0.113.0/24` or `2001:db8::/48`; undefined for anything else, a prefix longer than the family's included. */
function parseNetwork(cidr: string): { readonly base: IpAddress; readonly prefix: number } | undefined {
  const [baseText = '', prefixText = '', ...rest] = cidr.split('/');
  const base = parseIp(baseText);
  if (base === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= BITS[base.family] ? { base, prefix } : undefined;
}

/** Whether `ip` lies in the network `cidr`, at that network's own prefix length; false for anything malformed. */
export function isInNetwork(ip: string, cidr: string): boolean {
  const address = parseIp(ip);
  const network = parseNetwork(cidr);
  if (address === undefined || network === undefined || address.family !== network.base.family) return false;
  // Compared byte by byte: a BlockList per call cost more than the rest of a refresh's context check.
  const [inside, base] = [maskedBytes(address, network.prefix), maskedBytes(network.base, network.prefix)];
  return inside.every((byte, index) => byte === base[index]);
}
