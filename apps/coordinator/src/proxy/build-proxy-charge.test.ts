import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { costOfBytes, GIB } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { buildProxyCharge } from './build-proxy-charge.ts'

const base = { id: 'proxy:c:1', accountId: 'acc_b' as AccountId, operatorId: 'acc_o' as AccountId, nodeId: 'nd_x', pricePerGiB: 3n * 10n ** 16n, operatorSharePercent: 80 }

describe('proxy charge', () => {
  it('charges the buyer, credits the operator its share and the protocol the rest', () => {
    const charge = buildProxyCharge({ ...base, billedBytes: 0n, totalBytes: GIB })
    assert.equal(charge.cost, 3n * 10n ** 16n)
    assert.deepEqual(charge.transaction?.entries, [
      { ledgerAccount: 'buyer:acc_b', amount: -(3n * 10n ** 16n) },
      { ledgerAccount: 'operator:acc_o:pending', amount: 24n * 10n ** 15n },
      { ledgerAccount: 'system:protocol-fees', amount: 6n * 10n ** 15n },
    ])
    assert.equal(charge.transaction.entries.reduce((sum, entry) => sum + entry.amount, 0n), 0n)
  })
  it('sums to exactly the cost of all bytes however the flushes fall', () => {
    const steps = [0n, 1n, 7n, 1000n, 65_537n, 10_000_019n, 10_000_020n]
    let total = 0n
    for (let index = 1; index < steps.length; index += 1) {
      total += buildProxyCharge({ ...base, billedBytes: steps[index - 1] ?? 0n, totalBytes: steps[index] ?? 0n }).cost
    }
    assert.equal(total, costOfBytes(10_000_020n, base.pricePerGiB))
  })
  it('posts nothing when the new bytes cost nothing', () => {
    assert.equal(buildProxyCharge({ ...base, pricePerGiB: 1n, billedBytes: 0n, totalBytes: 10n }).transaction, undefined)
  })
  it('refuses a share outside 0..100 and bytes going backwards', () => {
    assert.throws(() => buildProxyCharge({ ...base, operatorSharePercent: 101, billedBytes: 0n, totalBytes: 1n }), RangeError)
    assert.throws(() => buildProxyCharge({ ...base, billedBytes: 5n, totalBytes: 1n }), RangeError)
  })
})
