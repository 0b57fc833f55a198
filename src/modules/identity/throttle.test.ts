import { describe, expect, it } from 'vitest';
import { ipPrefix } from './throttle.ts';

describe('ipPrefix', () => {
  it('groups IPv4 by /24 and IPv6 by /64, an IPv4-mapped IPv6 address as IPv4', () => {
    expect(ipPrefix('203.0.113.7')).toBe('203.0.113.0/24');
    expect(ipPrefix('::ffff:203.0.113.200')).toBe('203.0.113.0/24');
    expect(ipPrefix('2001:db8:5:6::1')).toBe('2001:db8:5:6::/64');
    expect(ipPrefix('2001:0db8:0005:0006:ffff:1:2:3')).toBe('2001:db8:5:6::/64');
    expect(ipPrefix('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipPrefix('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipPrefix('::1')).toBe('0:0:0:0::/64');
    expect(ipPrefix('2001:db8:5:7::1')).not.toBe(ipPrefix('2001:db8:5:6::1'));
  });
});
