import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { buildNodeEpochInputs } from './build-node-epoch-inputs.ts'
import { judgeUsagePlausibility, ticketBudgetFor, usageFlagsToProbeResults } from './judge-usage-plausibility.ts'
import type { UsagePlausibilityInput } from './judge-usage-plausibility.ts'
import { planEpochClose } from './plan-epoch-close.ts'
import { DEFAULT_SCORE_CONFIG } from './score-config.ts'

const base: UsagePlausibilityInput = {
  usage: [],
  knownSizes: new Map([['site/logo.png', 119n]]),
  refusedLines: new Map(),
  fleetTolerance: 1.5,
  minFleetNodes: 2,
  maxRefusedLines: 10,
}

describe('judgeUsagePlausibility', () => {
  it('bounds what a line bills by requests × the object size, and flags the node that inflated it', () => {
    const verdict = judgeUsagePlausibility({ ...base, usage: [{ nodeId: 'n1', objectKey: 'site/logo.png', requests: 1, bytes: 1_073_741_824n }] })
    assert.equal(verdict.billable[0]?.billableBytes, 119n)
    const [first] = verdict.flags
    assert.equal(first?.nodeId, 'n1')
    assert.match(first.reason, /size is 119 bytes/)
  })

  it('flags a node whose bytes per request are out of line with the fleet for the same object', () => {
    const usage = [
      { nodeId: 'a', objectKey: 'site/video', requests: 10, bytes: 10_000n },
      { nodeId: 'b', objectKey: 'site/video', requests: 20, bytes: 21_000n },
      { nodeId: 'c', objectKey: 'site/video', requests: 5, bytes: 5_100n },
      { nodeId: 'liar', objectKey: 'site/video', requests: 10, bytes: 50_000n },
    ]
    const verdict = judgeUsagePlausibility({ ...base, usage })
    assert.deepEqual(verdict.flags.map((entry) => entry.nodeId), ['liar'])
  })

  it('flags a node with many refused lines (minted or replayed tickets)', () => {
    const verdict = judgeUsagePlausibility({ ...base, refusedLines: new Map([['minter', { 'unknown-ticket': 40 }], ['honest', { expired: 1 }]]) })
    assert.deepEqual(verdict.flags.map((entry) => entry.nodeId), ['minter'])
    assert.match(verdict.flags[0]?.reason ?? '', /unknown-ticket: 40/)
  })

  it('leaves honest usage alone', () => {
    const usage = [
      { nodeId: 'a', objectKey: 'site/logo.png', requests: 3, bytes: 357n },
      { nodeId: 'b', objectKey: 'site/logo.png', requests: 1, bytes: 119n },
    ]
    assert.deepEqual(judgeUsagePlausibility({ ...base, usage }).flags, [])
  })

  it('sizes a ticket budget by the object when its size is known', () => {
    assert.equal(ticketBudgetFor(119n, 2n ** 30n), 119n)
    assert.equal(ticketBudgetFor(undefined, 2n ** 30n), 2n ** 30n)
  })

  it('holds the flagged node\'s epoch: correctness 0, usage earnings held, with the reason', () => {
    const verdict = judgeUsagePlausibility({ ...base, usage: [{ nodeId: 'inflator', objectKey: 'site/logo.png', requests: 1, bytes: 5000n }] })
    const probes = usageFlagsToProbeResults(verdict.flags, '0', 10).map((result) => ({ ...result, mbps: null }))
    const speed = { id: 's', nodeId: 'inflator', kind: 'speed' as const, outcome: 'pass' as const, reason: 'ok', mbps: 500 }
    const node = { id: 'inflator', operatorId: 'op-i' as AccountId, publicIp: '203.0.113.1', diskQuotaBytes: 10n ** 11n, registeredAt: new Date(0), lastHeartbeatAt: new Date(5) }
    const epoch = { id: '0', startMs: 0, endMs: 3_600_000 }
    const usageEarnings = new Map([['op-i' as AccountId, 42n]])
    const plan = planEpochClose({ epoch, emission: 100n, nodes: buildNodeEpochInputs([node], { probes: [...probes, speed], previous: new Map(), usageEarnings }, epoch), usageEarnings, config: DEFAULT_SCORE_CONFIG })
    assert.equal(plan.emitted, 0n)
    assert.equal(plan.scores[0]?.penalties[0]?.kind, 'usage-implausible')
    assert.match(plan.payouts[0]?.heldReason ?? '', /size is 119 bytes/)
    assert.equal(plan.transactions[0]?.id, 'epoch:0:hold:op-i')
  })
})
