import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import type { Address } from 'viem'
import { planSettlement } from './plan-settlement.ts'

const A = 'acc_a' as AccountId
const B = 'acc_b' as AccountId
const X: Address = '0x1111111111111111111111111111111111111111'
const Y: Address = '0x2222222222222222222222222222222222222222'

describe('planSettlement', () => {
  it('allocates each operator its earnings at its payout address, one leaf per address', () => {
    const plan = planSettlement({ earnings: [{ operatorId: A, payoutAddress: X, earned: 10n }, { operatorId: B, payoutAddress: X, earned: 5n }], previous: [] })
    assert.equal(plan.status, 'planned')
    assert.deepEqual(plan.entries, [{ account: X, cumulativeAmount: 15n }])
    assert.equal(plan.addedAmount, 15n)
  })

  it('is unchanged when nothing was earned since the previous settlement', () => {
    assert.deepEqual(planSettlement({ earnings: [{ operatorId: A, payoutAddress: X, earned: 10n }], previous: [{ operatorId: A, payoutAddress: X, amount: 10n }] }), { status: 'unchanged' })
  })

  it('adds only new earnings; an address never goes down when earnings are reversed', () => {
    const grown = planSettlement({ earnings: [{ operatorId: A, payoutAddress: X, earned: 12n }], previous: [{ operatorId: A, payoutAddress: X, amount: 10n }] })
    assert.equal(grown.status, 'planned')
    assert.deepEqual(grown.entries, [{ account: X, cumulativeAmount: 12n }])
    assert.deepEqual(planSettlement({ earnings: [{ operatorId: A, payoutAddress: X, earned: 8n }], previous: [{ operatorId: A, payoutAddress: X, amount: 10n }] }), { status: 'unchanged' })
  })

  it('sends only later earnings to a new payout address; the old one keeps its amount', () => {
    const plan = planSettlement({ earnings: [{ operatorId: A, payoutAddress: Y, earned: 14n }], previous: [{ operatorId: A, payoutAddress: X, amount: 10n }] })
    assert.equal(plan.status, 'planned')
    assert.deepEqual(plan.entries, [{ account: X, cumulativeAmount: 10n }, { account: Y, cumulativeAmount: 4n }])
  })

  it('carries the earnings of an operator without a payout address until it binds one', () => {
    assert.deepEqual(planSettlement({ earnings: [{ operatorId: A, payoutAddress: null, earned: 9n }], previous: [] }), { status: 'unchanged' })
    const bound = planSettlement({ earnings: [{ operatorId: A, payoutAddress: X, earned: 9n }], previous: [] })
    assert.equal(bound.status === 'planned' ? bound.addedAmount : 0n, 9n)
  })
})
