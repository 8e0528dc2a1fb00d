import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UsageMeter } from './usage-meter.ts'

const a = { nonce: 'tn_aaaaaaaaaaaaaaaaaaaa', zone: 'my-site', token: 'token-a' }
const b = { nonce: 'tn_bbbbbbbbbbbbbbbbbbbb', zone: 'other-site', token: 'token-b' }

describe('UsageMeter', () => {
  it('sums bytes and counts requests per ticket into one line each', () => {
    const meter = new UsageMeter()
    meter.record(a, 100n)
    meter.record(b, 5n)
    meter.record(a, 23n)
    meter.record(b, 0n)
    assert.equal(meter.lineCount, 2)
    assert.equal(meter.unreportedBytes, 128n)
    assert.deepEqual(meter.takeLines(10), [
      { ticketId: a.nonce, zone: 'my-site', bytes: 123n, ticket: 'token-a', requests: 2 },
      { ticketId: b.nonce, zone: 'other-site', bytes: 5n, ticket: 'token-b', requests: 1 },
    ])
    assert.equal(meter.lineCount, 0)
  })

  it('takes at most the lines asked for and keeps the rest', () => {
    const meter = new UsageMeter()
    meter.record(a, 1n)
    meter.record(b, 2n)
    assert.deepEqual(meter.takeLines(1), [{ ticketId: a.nonce, zone: 'my-site', bytes: 1n, ticket: 'token-a', requests: 1 }])
    assert.equal(meter.lineCount, 1)
  })

  it('adds restored lines to bytes that accrued since', () => {
    const meter = new UsageMeter()
    meter.record(a, 10n)
    const lines = meter.takeLines(10)
    meter.record(a, 1n)
    meter.restore(lines)
    assert.deepEqual(meter.takeLines(10), [{ ticketId: a.nonce, zone: 'my-site', bytes: 11n, ticket: 'token-a', requests: 2 }])
  })

  it('restores lines of older nodes without requests as bytes only', () => {
    const meter = new UsageMeter()
    meter.restore([{ ticketId: a.nonce, zone: 'my-site', bytes: 7n, ticket: 'token-a' }])
    assert.deepEqual(meter.takeLines(10), [{ ticketId: a.nonce, zone: 'my-site', bytes: 7n, ticket: 'token-a' }])
  })

  it('ignores zero and refuses negative byte counts', () => {
    const meter = new UsageMeter()
    meter.record(a, 0n)
    assert.equal(meter.lineCount, 0)
    assert.throws(() => meter.record(a, -1n), { code: 'INVALID_BYTE_COUNT' })
  })
})
