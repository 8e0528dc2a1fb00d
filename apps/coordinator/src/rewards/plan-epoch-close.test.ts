import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { planEpochClose } from './plan-epoch-close.ts'
import { DEFAULT_SCORE_CONFIG } from './score-config.ts'
import type { NodeEpochInput } from './score-node.ts'

const GB = 1_000_000_000n
const epoch = { id: '0', startMs: 0, endMs: 3_600_000 }

function node(id: string, overrides: Partial<NodeEpochInput> = {}): NodeEpochInput {
  return {
    nodeId: id,
    operatorId: `op-${id}` as AccountId,
    publicIp: `10.0.${id.length}.${id.charCodeAt(0)}`,
    registeredAtMs: 0,
    isOnline: true,
    measuredMbps: 500,
    speedProbes: 3,
    offeredDiskBytes: 100n * GB,
    verifiedDiskBytes: null,
    previousCredit: 0.8,
    contentProbesPassed: 3,
    contentProbeFailures: [],
    usageHoldReason: null,
    ...overrides,
  }
}

const sumEntries = (plan: ReturnType<typeof planEpochClose>): bigint =>
  plan.transactions.flatMap((tx) => tx.entries).reduce((total, entry) => total + entry.amount, 0n)

describe('planEpochClose', () => {
  it('gives honest nodes exactly the epoch emission, no base unit lost or created', () => {
    const nodes = [node('a', { publicIp: '1.1.1.1' }), node('b', { publicIp: '2.2.2.2', measuredMbps: 1234 }), node('c', { publicIp: '3.3.3.3', offeredDiskBytes: 33n * GB })]
    const emission = 10n ** 21n + 7n
    const plan = planEpochClose({ epoch, emission, nodes, usageEarnings: new Map(), config: DEFAULT_SCORE_CONFIG })
    const paid = plan.payouts.filter((payout) => payout.source === 'emission').reduce((total, payout) => total + payout.amount, 0n)
    assert.equal(paid, emission)
    assert.equal(plan.emitted, emission)
    assert.equal(plan.nodesRewarded, 3)
    assert.equal(sumEntries(plan), 0n)
    const b = plan.payouts.find((payout) => payout.operatorId === 'op-b')
    const a = plan.payouts.find((payout) => payout.operatorId === 'op-a')
    assert.ok(b !== undefined && a !== undefined && b.amount > a.amount, 'the faster node earns more')
  })

  it('gives a node that failed a content probe nothing, holds its usage earnings, and says why', () => {
    const cheat = node('x', { publicIp: '4.4.4.4', contentProbeFailures: ['probe p1: SHA-256 of the body differs from the origin'] })
    const plan = planEpochClose({
      epoch,
      emission: 1000n,
      nodes: [node('a', { publicIp: '1.1.1.1' }), cheat],
      usageEarnings: new Map([['op-x' as AccountId, 55n], ['op-a' as AccountId, 9n]]),
      config: DEFAULT_SCORE_CONFIG,
    })
    const score = plan.scores.find((entry) => entry.nodeId === 'x')
    assert.ok(score !== undefined)
    assert.equal(score.weight, 0n)
    assert.equal(score.factors.correctness, 0)
    assert.match(score.penalties[0]?.reason ?? '', /SHA-256/)
    assert.equal(plan.payouts.find((payout) => payout.operatorId === 'op-x' && payout.source === 'emission'), undefined)
    const held = plan.transactions.find((tx) => tx.id === 'epoch:0:hold:op-x')
    assert.deepEqual(held?.entries, [
      { ledgerAccount: 'operator:op-x:pending', amount: -55n },
      { ledgerAccount: 'operator:op-x:held', amount: 55n },
    ])
    assert.equal(plan.payouts.find((payout) => payout.operatorId === 'op-a' && payout.source === 'usage')?.heldReason, null)
    assert.equal(plan.emitted, 1000n)
  })

  it('rewards one node per public IP: the second node on an IP earns nothing', () => {
    const plan = planEpochClose({
      epoch,
      emission: 1000n,
      nodes: [node('a', { publicIp: '5.5.5.5', registeredAtMs: 1 }), node('b', { publicIp: '5.5.5.5', registeredAtMs: 2 })],
      usageEarnings: new Map(),
      config: DEFAULT_SCORE_CONFIG,
    })
    assert.equal(plan.scores.find((score) => score.nodeId === 'b')?.weight, 0n)
    assert.equal(plan.scores.find((score) => score.nodeId === 'b')?.penalties[0]?.kind, 'same-ip')
    assert.deepEqual(plan.payouts.map((payout) => [payout.operatorId, payout.amount]), [['op-a', 1000n]])
  })

  it('rewards every node of one IP when the rule is off (local demos only)', () => {
    const plan = planEpochClose({
      epoch,
      emission: 1000n,
      nodes: [node('a', { publicIp: '127.0.0.1' }), node('b', { publicIp: '127.0.0.1' })],
      usageEarnings: new Map(),
      config: { ...DEFAULT_SCORE_CONFIG, isOneNodePerIp: false },
    })
    assert.deepEqual(plan.payouts.map((payout) => [payout.operatorId, payout.amount]), [['op-a', 500n], ['op-b', 500n]])
  })

  it('lets nodes of one /24 split one share', () => {
    const plan = planEpochClose({
      epoch,
      emission: 3000n,
      nodes: [node('a', { publicIp: '6.6.6.1' }), node('b', { publicIp: '6.6.6.2' }), node('c', { publicIp: '7.7.7.7' })],
      usageEarnings: new Map(),
      config: DEFAULT_SCORE_CONFIG,
    })
    const amount = (id: string): bigint | undefined => plan.payouts.find((payout) => payout.operatorId === `op-${id}`)?.amount
    assert.equal(amount('a'), 750n)
    assert.equal(amount('b'), 750n)
    assert.equal(amount('c'), 1500n)
    assert.equal(plan.scores.find((score) => score.nodeId === 'a')?.penalties[0]?.kind, 'shared-subnet')
  })

  it('emits nothing when no node scored, and an offline node scores 0', () => {
    const plan = planEpochClose({ epoch, emission: 1000n, nodes: [node('a', { isOnline: false })], usageEarnings: new Map(), config: DEFAULT_SCORE_CONFIG })
    assert.equal(plan.emitted, 0n)
    assert.deepEqual(plan.transactions, [])
    assert.equal(plan.scores.at(0)?.penalties[0]?.kind, 'offline')
  })

  it('is deterministic whatever the input order', () => {
    const nodes = [node('a', { publicIp: '1.1.1.1' }), node('b', { publicIp: '2.2.2.2', measuredMbps: 77 })]
    const first = planEpochClose({ epoch, emission: 999n, nodes, usageEarnings: new Map(), config: DEFAULT_SCORE_CONFIG })
    const second = planEpochClose({ epoch, emission: 999n, nodes: [...nodes].reverse(), usageEarnings: new Map(), config: DEFAULT_SCORE_CONFIG })
    assert.deepEqual(first.transactions, second.transactions)
  })

  it('gives the unit left over among equal weights to the smallest node id, whatever the input order', () => {
    const nodes = [node('a', { publicIp: '1.1.1.1' }), node('b', { publicIp: '2.2.2.2' }), node('c', { publicIp: '3.3.3.3' })]
    for (const order of [nodes, [...nodes].reverse(), [nodes[1], nodes[2], nodes[0]]]) {
      const plan = planEpochClose({ epoch, emission: 1000n, nodes: order.filter((entry) => entry !== undefined), usageEarnings: new Map(), config: DEFAULT_SCORE_CONFIG })
      assert.deepEqual(plan.payouts.map((payout) => [payout.operatorId, payout.amount]).sort(), [['op-a', 334n], ['op-b', 333n], ['op-c', 333n]])
    }
  })
})
