import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses the server must not be sent to on a participant's behalf (server-side request forgery): loopback,
 * private networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, unspecified.
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

const isInternal = (address: string) => {
  const family = isIP(address);
  if (family === 4) return INTERNAL.check(address, 'ipv4');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(address, 'ipv6');
};

/**
 * Why the server may not fetch this address for a participant, or null when it may: an https (or http) address
 * whose host resolves only to public addresses. Checked before every pull; a host that later resolves elsewhere
 * (DNS rebinding) is the remaining gap, acceptable for a read-only pull of glucose entries.
 */
export async function refusedRemoteAddress(address: string): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'not a web address';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not an http or https address';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return `the host ${host} was not found`;
  }
  if (addresses.length === 0 || addresses.some(isInternal)) {
    return `${host} is an address inside a private network`;
  }
  return null;
}
