import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { inspect } from 'node:util'
import { blake3 } from '@noble/hashes/blake3.js'
import { TicketMacKey, ticketMac } from './ticket-mac.ts'

/** Keyed BLAKE3 from @noble/hashes: an implementation independent of hash-wasm's. */
function reference(key: Uint8Array, message: Uint8Array, length: number): Buffer {
  return Buffer.from(blake3(message, { key }).subarray(0, length))
}

describe('ticketMac', () => {
  it('is keyed BLAKE3: equal to an independent implementation for many keys and message lengths', () => {
    // Chunk (1 024) and block (64) boundaries, and a ticket-sized message.
    for (const length of [0, 1, 63, 64, 65, 313, 1023, 1024, 1025, 2048, 4097]) {
      for (let round = 0; round < 4; round++) {
        const key = randomBytes(32)
        const message = randomBytes(length)
        assert.deepEqual(ticketMac(new TicketMacKey(key), message, 32), reference(key, message, 32), `length ${String(length)}`)
      }
    }
  })

  it('re-keys per call: interleaved keys give each key its own tags', () => {
    const a = randomBytes(32)
    const b = randomBytes(32)
    const keyA = new TicketMacKey(a)
    const keyB = new TicketMacKey(b)
    const message = Buffer.from('{"v":3}')
    const first = ticketMac(keyA, message, 16)
    assert.deepEqual(ticketMac(keyB, message, 16), reference(b, message, 16))
    assert.deepEqual(ticketMac(keyA, message, 16), first)
    assert.deepEqual(first, reference(a, message, 16))
    assert.notDeepEqual(first, ticketMac(keyB, message, 16))
  })

  it('truncates to the length asked for (a prefix of the full output)', () => {
    const key = randomBytes(32)
    const full = ticketMac(new TicketMacKey(key), Buffer.from('x'), 32)
    assert.deepEqual(ticketMac(new TicketMacKey(key), Buffer.from('x'), 16), full.subarray(0, 16))
  })

  it('keeps a key to itself: the bytes are copied, and never printed, inspected or serialized', () => {
    const bytes = randomBytes(32)
    const secretTexts = [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url'), String(bytes[0])]
    const key = new TicketMacKey(bytes)
    const message = Buffer.from('m')
    const before = ticketMac(key, message, 16)
    bytes.fill(0)
    assert.deepEqual(ticketMac(key, message, 16), before)
    assert.notDeepEqual(before, reference(Buffer.alloc(32), message, 16))
    const shown = [JSON.stringify({ key }), String(key), inspect(key), inspect({ nested: key }, { depth: 5, showHidden: true })]
    for (const text of shown) {
      assert.ok(text.includes('[TicketMacKey]'), text)
      for (const secret of secretTexts.slice(0, 3)) assert.ok(!text.includes(secret), text)
    }
  })

  it('compares keys by their bytes', () => {
    const bytes = randomBytes(32)
    assert.equal(new TicketMacKey(bytes).equals(new TicketMacKey(Buffer.from(bytes))), true)
    assert.equal(new TicketMacKey(bytes).equals(new TicketMacKey(randomBytes(32))), false)
  })

  it('refuses a key that is not 32 bytes', () => {
    for (const length of [0, 16, 31, 33, 64]) assert.throws(() => new TicketMacKey(new Uint8Array(length)), RangeError)
  })
})
