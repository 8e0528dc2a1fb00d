import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GIB } from '@meson/protocol'
import type { AccountId, ZoneId } from '@meson/protocol'
import { buildUsageCharges, HOUR_MS, operatorShareOf } from './build-usage-charges.ts'
import type { ZoneBilling } from './zone-billing.ts'

const BUYER = 'acc_buyerbuyerbuyerbuyer' as AccountId
const OPERATOR = 'acc_operatoroperatoroper' as AccountId
/** 0.05 MSN per GiB. */
const PRICE = 5n * 10n ** 16n
const zone: ZoneBilling = { zoneId: 'zon_zonezonezonezonezone' as ZoneId, name: 'site', accountId: BUYER, pricePerGiB: PRICE }

function build(bytesPerLine: readonly bigint[], operatorSharePercent = 80, pricePerGiB = PRICE) {
  return buildUsageCharges({
    batchId: 'ub_batchbatchbatchbatch',
    nodeId: 'node-a',
    operatorId: OPERATOR,
    operatorSharePercent,
    receivedAt: 5 * HOUR_MS + 123,
    accepted: bytesPerLine.map((bytes, index) => ({ ticketId: `t${index}`, zone: 'site', bytes, requests: 1, client: '203.0.113.9', totalAcceptedBytes: bytes })),
    zones: new Map([['site', { ...zone, pricePerGiB }]]),
  })
}

describe('buildUsageCharges', () => {
  it('sums requests per zone and splits bytes and requests by the country of each ticket\'s client', () => {
    const { hourly } = buildUsageCharges({
      batchId: 'ub_batchbatchbatchbatch',
      nodeId: 'node-a',
      operatorId: OPERATOR,
      operatorSharePercent: 80,
      receivedAt: 5 * HOUR_MS + 123,
      accepted: [
        { ticketId: 't1', zone: 'site', bytes: 10n, requests: 2, client: '203.0.113.0/24', totalAcceptedBytes: 10n },
        { ticketId: 't2', zone: 'site', bytes: 5n, requests: 0, client: '198.51.100.7', totalAcceptedBytes: 5n },
        { ticketId: 't3', zone: 'site', bytes: 1n, requests: 3, client: '203.0.113.0/24', totalAcceptedBytes: 1n },
      ],
      zones: new Map([['site', zone]]),
      countryOf: (client) => (client.startsWith('203.') ? 'DE' : 'unknown'),
    })
    assert.equal(hourly.length, 1)
    const [usage] = hourly
    assert.ok(usage)
    assert.equal(usage.requests, 5)
    assert.equal(usage.bytes, 16n)
    assert.deepEqual(usage.countries, [
      { country: 'DE', bytes: 11n, requests: 5 },
      { country: 'unknown', bytes: 5n, requests: 0 },
    ])
  })


  it('never rounds the operator\'s share of a non-zero charge to zero, and never above the charge', () => {
    for (const [cost, percent] of [[1n, 1], [1n, 80], [99n, 1], [3n, 33], [7n, 100]] as const) {
      const share = operatorShareOf(cost, percent)
      assert.ok(share >= 1n && share <= cost, `${String(cost)} at ${String(percent)} %: ${String(share)}`)
    }
    assert.equal(operatorShareOf(0n, 80), 0n)
    assert.equal(operatorShareOf(100n, 0), 0n)
    // A one-byte batch at the lowest default price (0.001 MSN/GiB) pays the operator.
    const [charge] = build([1n], 1, 10n ** 15n).charges
    assert.ok(charge && charge.operatorShare > 0n)
  })

  it('charges 3 GiB + 1 byte at 0.05 MSN/GiB exactly, floored, 80 % (rounded up) to the operator', () => {
    const [charge] = build([3n * GIB + 1n]).charges
    assert.ok(charge)
    // 3 GiB cost 0.15 MSN; one more byte costs 0.05 MSN / 2^30 = 46566128.73… base units, floored.
    const cost = 15n * 10n ** 16n + 46_566_128n
    assert.equal(charge.cost, cost)
    assert.deepEqual(charge.transaction, {
      id: 'usage:ub_batchbatchbatchbatch:site',
      kind: 'usage',
      memo: `${3n * GIB + 1n} bytes of zone site served by node node-a`,
      entries: [
        { ledgerAccount: `buyer:${BUYER}`, amount: -cost },
        { ledgerAccount: `operator:${OPERATOR}:pending`, amount: (cost * 80n + 99n) / 100n },
        { ledgerAccount: 'system:protocol-fees', amount: cost - (cost * 80n + 99n) / 100n },
      ],
    })
  })

  it('sums a zone\'s bytes before pricing them, so small lines are not each floored to nothing', () => {
    const { charges } = build(Array.from({ length: 1_000 }, () => 10n))
    const [charge] = charges
    assert.ok(charge)
    assert.equal(charges.length, 1)
    assert.equal(charge.bytes, 10_000n)
    assert.equal(charge.cost, (10_000n * PRICE) / GIB)
    assert.ok(charge.cost > 0n)
  })

  it('posts entries that sum to zero', () => {
    for (const share of [0, 33, 80, 100]) {
      const entries = build([7n * GIB + 12_345n], share).charges[0]?.transaction?.entries ?? []
      assert.equal(entries.reduce((sum, entry) => sum + entry.amount, 0n), 0n)
    }
  })

  it('posts nothing when the cost floors to zero', () => {
    // 1 byte at 1000 base units per GiB costs 1000 / 2^30 of a base unit.
    const { charges, hourly } = build([1n], 80, 1_000n)
    assert.equal(charges[0]?.transaction, undefined)
    assert.equal(hourly[0]?.bytes, 1n)
  })

  it('counts the usage in the UTC hour it was received', () => {
    assert.equal(build([1n]).hourly[0]?.hourStart, 5 * HOUR_MS)
  })
})
