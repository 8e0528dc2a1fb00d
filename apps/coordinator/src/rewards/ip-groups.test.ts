import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ipGroupsOf } from './ip-groups.ts'

describe('ipGroupsOf', () => {
  it('groups IPv4 by address and /24, and unmaps IPv4-mapped IPv6', () => {
    assert.deepEqual(ipGroupsOf('203.0.113.9'), { addressKey: '203.0.113.9', subnetKey: '203.0.113.0/24' })
    assert.deepEqual(ipGroupsOf('::ffff:203.0.113.9'), { addressKey: '203.0.113.9', subnetKey: '203.0.113.0/24' })
  })

  it('counts an IPv6 /64 as one address and groups by /48', () => {
    const a = ipGroupsOf('2001:db8:1:2::1')
    const b = ipGroupsOf('2001:0db8:0001:0002:ffff::9')
    assert.equal(a.addressKey, b.addressKey)
    assert.equal(a.subnetKey, '2001:db8:1::/48')
  })
})
