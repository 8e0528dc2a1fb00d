import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unmapIpv4 } from '@meson/protocol'
import { classifyAddress } from './classify-address.ts'
import type { AddressClass } from './classify-address.ts'

describe('classifyAddress', () => {
  const cases: readonly (readonly [string, AddressClass, string])[] = [
    ['127.0.0.1', 'local', 'IPv4 loopback (RFC 1122)'],
    ['127.255.255.254', 'local', 'all of 127/8'],
    ['10.1.2.3', 'local', 'RFC 1918 10/8'],
    ['172.16.0.1', 'local', 'RFC 1918 172.16/12, first'],
    ['172.31.255.255', 'local', 'RFC 1918 172.16/12, last'],
    ['172.32.0.1', 'public', 'just past 172.16/12'],
    ['172.15.255.255', 'public', 'just before 172.16/12'],
    ['192.168.1.10', 'local', 'RFC 1918 192.168/16'],
    ['169.254.169.254', 'local', 'IPv4 link-local (RFC 3927)'],
    ['100.64.0.1', 'local', 'CGNAT 100.64/10 (RFC 6598), first'],
    ['100.127.255.255', 'local', 'CGNAT, last'],
    ['100.128.0.1', 'public', 'just past CGNAT'],
    ['8.8.8.8', 'public', 'a public IPv4 address'],
    ['::1', 'local', 'IPv6 loopback'],
    ['fe80::1', 'local', 'IPv6 link-local'],
    ['febf::1', 'local', 'end of fe80::/10'],
    ['fec0::1', 'public', 'past fe80::/10 (deprecated site-local, routed as public here)'],
    ['fd12:3456:789a::1', 'local', 'ULA fd00::/8'],
    ['fc00::1', 'local', 'ULA fc00::/7'],
    ['2001:4860:4860::8888', 'public', 'a public IPv6 address'],
    ['::ffff:127.0.0.1', 'local', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'local', 'IPv4-mapped private'],
    ['::FFFF:192.168.0.1', 'local', 'IPv4-mapped private, upper case'],
    ['::ffff:a00:1', 'local', 'IPv4-mapped private in hex (10.0.0.1)'],
    ['::ffff:8.8.8.8', 'public', 'IPv4-mapped public'],
    ['', 'invalid', 'empty'],
    ['localhost', 'invalid', 'a host name'],
    ['256.1.1.1', 'invalid', 'an octet above 255'],
    ['1.2.3', 'invalid', 'three octets'],
    ['010.0.0.1', 'invalid', 'a leading zero (octal in some parsers)'],
    ['10.0.0.0/8', 'invalid', 'a range'],
    [' 10.0.0.1', 'invalid', 'leading space'],
    ['fe80::1%eth0', 'invalid', 'an IPv6 zone id'],
    ['[::1]', 'invalid', 'brackets'],
    ['::1:', 'invalid', 'a trailing colon'],
    ['1.2.3.4\n', 'invalid', 'a trailing newline'],
  ]
  for (const [ip, expected, why] of cases) {
    it(`${JSON.stringify(ip)} is ${expected}: ${why}`, () => {
      assert.equal(classifyAddress(ip), expected)
    })
  }
})

describe('unmapIpv4', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['::ffff:8.8.8.8', '8.8.8.8'],
    ['::FFFF:8.8.8.8', '8.8.8.8'],
    ['::ffff:808:808', '8.8.8.8'],
    ['8.8.8.8', '8.8.8.8'],
    ['2001:db8::1', '2001:db8::1'],
    ['::ffff:nonsense', '::ffff:nonsense'],
  ]
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => {
      assert.equal(unmapIpv4(input), expected)
    })
  }
})
