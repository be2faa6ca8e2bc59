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
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
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
  it('extracts the IPv4 address from mapped, compatible and NAT64 forms only', () => {
    expect(embeddedIPv4('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(embeddedIPv4('::a01:203')).toBe('10.1.2.3');
    expect(embeddedIPv4('64:ff9b::a01:203')).toBe('10.1.2.3');
    expect(embeddedIPv4('::1')).toBeUndefined();
    expect(embeddedIPv4('2001:db8::1')).toBeUndefined();
    expect(embeddedIPv4('10.1.2.3')).toBeUndefined();
  });
});

describe('vetAddress', () => {
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
