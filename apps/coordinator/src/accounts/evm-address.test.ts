import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evmAddressSchema } from './evm-address.ts'

// Checksummed examples from EIP-55 itself.
describe('evmAddressSchema', () => {
  it('accepts a valid EIP-55 checksum and stores it lowercase', () => {
    assert.deepEqual(evmAddressSchema.safeParse('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'), { success: true, data: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed' })
  })

  it('accepts all-lowercase and all-uppercase digits, which carry no checksum', () => {
    assert.equal(evmAddressSchema.safeParse('0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359').success, true)
    assert.equal(evmAddressSchema.safeParse('0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359').success, true)
  })

  it('refuses mixed case that is not the checksum (one letter flipped)', () => {
    const result = evmAddressSchema.safeParse('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')
    assert.equal(result.success, false)
    assert.match(result.error.issues[0]?.message ?? '', /EIP-55/)
  })

  it('refuses what is not 20 bytes of hex', () => {
    assert.equal(evmAddressSchema.safeParse('0x1234').success, false)
    assert.equal(evmAddressSchema.safeParse('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed').success, false)
  })
})
