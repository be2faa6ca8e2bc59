import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  embeddedIPv4,
  vetAddress,
} from '../../../../shared/adapters/probe/address-guard.js';

describe('classifyAddress', () => {
  it.each([
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['198.18.0.1', 'private'],
    ['198.19.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.0.170', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.200', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['239.255.255.250', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['2002:a9fe:a9fe::', 'metadata'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c000:201::', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:5601:5601', 'metadata'],
    ['2001::ffff:ffff', 'unspecified'],
    ['2002:5db8:d70e::1', 'public'],
    ['192.0.1.255', 'public'],
    ['198.17.255.255', 'public'],
    ['198.20.0.0', 'public'],
    ['ff02::1', 'reserved'],
    ['not-an-ip', 'reserved'],
    ['172.32.0.1', 'public'],
    ['93.184.215.14', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('embeddedIPv4', () => {
  it('extracts the IPv4 address from mapped, compatible and NAT64 forms, and none from plain IPv6', () => {
    expect(embeddedIPv4('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(embeddedIPv4('::a01:203')).toBe('10.1.2.3');
    expect(embeddedIPv4('64:ff9b::a01:203')).toBe('10.1.2.3');
    expect(embeddedIPv4('::1')).toBeUndefined();
    expect(embeddedIPv4('2001:4860::1')).toBeUndefined();
    expect(embeddedIPv4('2001:db8::1')).toBeUndefined();
    expect(embeddedIPv4('10.1.2.3')).toBeUndefined();
  });

  it('extracts the IPv4 address from bits 16-48 of a 6to4 address', () => {
    expect(embeddedIPv4('2002:a9fe:a9fe::')).toBe('169.254.169.254');
    expect(embeddedIPv4('2002:0a01:0203:1:2:3:4:5')).toBe('10.1.2.3');
  });

  it('extracts the inverted client IPv4 address from the last 32 bits of a Teredo address', () => {
    // RFC 4380 example: client 192.0.2.45 appears as 3fff:fdd2.
    expect(embeddedIPv4('2001:0000:4136:e378:8000:63bf:3fff:fdd2')).toBe('192.0.2.45');
    expect(embeddedIPv4('2001::5601:5601')).toBe('169.254.169.254');
  });
});

const linkLocalOctets = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }));
const hex = (high: number, low: number): string => ((high << 8) | low).toString(16);

/** Every way of writing 169.254.c.d that reaches the IPv4 host. */
const linkLocalSpellings = linkLocalOctets.chain(([c, d]) =>
  fc.constantFrom(
    `169.254.${c}.${d}`,
    `::ffff:169.254.${c}.${d}`,
    `::ffff:a9fe:${hex(c, d)}`,
    `64:ff9b::169.254.${c}.${d}`,
    `64:ff9b::a9fe:${hex(c, d)}`,
    `2002:a9fe:${hex(c, d)}::`,
    `2002:a9fe:${hex(c, d)}:1:2:3:4:5`,
    `2001:0:4136:e378:8000:63bf:${hex(0xff - 169, 0xff - 254)}:${hex(0xff - c, 0xff - d)}`,
  ),
);

describe('vetAddress', () => {
  it('refuses every spelling of every 169.254.0.0/16 address even with private addresses allowed', () => {
    fc.assert(
      fc.property(linkLocalSpellings, (address) => {
        const verdict = vetAddress(address, { allowPrivateAddresses: true });
        expect(verdict.allowed).toBe(false);
        expect(['metadata', 'link-local']).toContain(verdict.addressClass);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses reserved ranges even with private addresses allowed, and allows benchmarking space only then', () => {
    for (const address of [
      '192.0.0.9',
      '192.0.2.1',
      '198.51.100.1',
      '203.0.113.1',
      '240.0.0.1',
      '255.255.255.255',
    ]) {
      expect(vetAddress(address, { allowPrivateAddresses: true })).toMatchObject({
        allowed: false,
        addressClass: 'reserved',
      });
    }
    expect(vetAddress('198.18.0.1', { allowPrivateAddresses: false }).allowed).toBe(false);
    expect(vetAddress('198.18.0.1', { allowPrivateAddresses: true }).allowed).toBe(true);
  });

  it('allows public addresses whatever the option', () => {
    expect(vetAddress('93.184.215.14', { allowPrivateAddresses: false }).allowed).toBe(true);
  });

  it('allows loopback and private addresses only when the target opts in', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '::1', '0.0.0.0']) {
      expect(vetAddress(address, { allowPrivateAddresses: false }).allowed).toBe(false);
      expect(vetAddress(address, { allowPrivateAddresses: true }).allowed).toBe(true);
    }
  });

  it('refuses metadata and link-local addresses even when private addresses are allowed', () => {
    for (const address of ['169.254.169.254', 'fd00:ec2::254', '169.254.1.1', 'fe80::1']) {
      expect(vetAddress(address, { allowPrivateAddresses: true })).toMatchObject({ allowed: false });
    }
  });

  it('says why an address is refused', () => {
    expect(vetAddress('169.254.169.254', { allowPrivateAddresses: true })).toEqual({
      allowed: false,
      addressClass: 'metadata',
      reason: '169.254.169.254 is a metadata address; probes never connect to it',
    });
    expect(vetAddress('192.168.1.1', { allowPrivateAddresses: false })).toMatchObject({
      reason: '192.168.1.1 is a private address; refused unless allowPrivateAddresses is true',
    });
  });
});
