import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a probe may connect to. Probes run with the observer
 * account's credentials next to the instance metadata service, so a target
 * (or a redirect, or a DNS answer) pointing at metadata or link-local is an
 * SSRF attempt and is refused always, as are reserved ranges (documentation,
 * IETF protocol assignments, multicast, 240/4). Loopback and private ranges are
 * refused unless the target opts in (demo, tests, internal endpoints).
 */
export type AddressClass =
  | 'metadata'
  | 'link-local'
  | 'reserved'
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'public';

export type AddressVerdict =
  | { readonly allowed: true; readonly addressClass: AddressClass }
  | { readonly allowed: false; readonly addressClass: AddressClass; readonly reason: string };

function blockList(ipv4: readonly string[], ipv6: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of ipv4) addCidr(list, cidr, 'ipv4');
  for (const cidr of ipv6) addCidr(list, cidr, 'ipv6');
  return list;
}

function addCidr(list: BlockList, cidr: string, family: 'ipv4' | 'ipv6'): void {
  const [network = '', prefix = ''] = cidr.split('/');
  list.addSubnet(network, Number(prefix), family);
}

// Checked in this order: the first match names the class.
const classes: ReadonlyArray<readonly [AddressClass, BlockList]> = [
  // EC2 IMDS, ECS task metadata, EKS Pod Identity (IPv4 and the IPv6 IMDS endpoints).
  [
    'metadata',
    blockList(
      ['169.254.169.254/32', '169.254.170.2/32', '169.254.170.23/32'],
      ['fd00:ec2::254/128', 'fd00:ec2::23/128'],
    ),
  ],
  ['link-local', blockList(['169.254.0.0/16'], ['fe80::/10'])],
  // Always refused: no probe target legitimately lives here. IETF protocol
  // assignments (192.0.0.0/24: DS-Lite, NAT64 discovery, PCP anycast),
  // documentation (TEST-NET-1/2/3, 2001:db8::/32), multicast, and 240.0.0.0/4
  // (which holds the limited broadcast 255.255.255.255).
  [
    'reserved',
    blockList(
      ['192.0.0.0/24', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'],
      ['2001:db8::/32', 'ff00::/8'],
    ),
  ],
  ['loopback', blockList(['127.0.0.0/8'], ['::1/128'])],
  ['unspecified', blockList(['0.0.0.0/8'], ['::/128'])],
  // Allowed with allowPrivateAddresses: networks an operator routes internally.
  // RFC 1918, CGNAT, ULA, and 198.18.0.0/15, which is reserved for benchmarking
  // but used inside labs and by fake-IP DNS proxies just like RFC 1918 space.
  [
    'private',
    blockList(
      ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.18.0.0/15'],
      ['fc00::/7'],
    ),
  ],
];

const alwaysRefused: ReadonlySet<AddressClass> = new Set(['metadata', 'link-local', 'reserved']);

/**
 * An IPv6 address that embeds an IPv4 one reaches that IPv4 host, so it is
 * classified as the IPv4 address: mapped `::ffff:a.b.c.d`, compatible
 * `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::/48` (the IPv4
 * address in bits 16-48) and Teredo `2001:0::/32` (the client's IPv4 address,
 * bitwise inverted, in the last 32 bits).
 * @example embeddedIPv4('2002:a9fe:a9fe::') // '169.254.169.254'
 */
export function embeddedIPv4(address: string): string | undefined {
  const groups = expandIPv6(address);
  if (groups === undefined) return undefined;
  const group = (index: number): number => groups[index] ?? 0;
  const isZero = (from: number, to: number): boolean => groups.slice(from, to).every((value) => value === 0);
  const mapped = isZero(0, 5) && group(5) === 0xffff;
  const compatible = isZero(0, 6) && (group(6) !== 0 || group(7) > 1);
  const nat64 = group(0) === 0x64 && group(1) === 0xff9b && isZero(2, 6);
  if (mapped || compatible || nat64) return dottedQuad(group(6), group(7));
  if (group(0) === 0x2002) return dottedQuad(group(1), group(2));
  if (group(0) === 0x2001 && group(1) === 0) return dottedQuad(~group(6) & 0xffff, ~group(7) & 0xffff);
  return undefined;
}

function dottedQuad(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Expands an IPv6 literal into its eight 16-bit groups. */
function expandIPv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const bytes = dotted[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const all = [
    ...headGroups,
    ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'),
    ...tailGroups,
  ];
  return all.map((group) => Number.parseInt(group, 16));
}

/** Classifies an IP literal. Anything that is not an IP literal is `reserved`. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const ipv4 = family === 4 ? address : embeddedIPv4(address);
  const [candidate, type] =
    ipv4 !== undefined ? [ipv4, 'ipv4' as const] : [address.split('%')[0] ?? '', 'ipv6' as const];
  for (const [addressClass, list] of classes) {
    if (list.check(candidate, type)) return addressClass;
  }
  return 'public';
}

/**
 * Decides whether a probe may connect to `address`.
 * @example vetAddress('169.254.169.254', { allowPrivateAddresses: true }) // refused: metadata
 */
export function vetAddress(address: string, options: { allowPrivateAddresses: boolean }): AddressVerdict {
  const addressClass = classifyAddress(address);
  if (addressClass === 'public') return { allowed: true, addressClass };
  if (!alwaysRefused.has(addressClass) && options.allowPrivateAddresses)
    return { allowed: true, addressClass };
  const why = alwaysRefused.has(addressClass)
    ? 'probes never connect to it'
    : 'refused unless allowPrivateAddresses is true';
  const article = addressClass === 'unspecified' ? 'an' : 'a';
  return { allowed: false, addressClass, reason: `${address} is ${article} ${addressClass} address; ${why}` };
}
