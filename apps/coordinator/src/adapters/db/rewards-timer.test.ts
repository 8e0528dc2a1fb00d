import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { Rewards } from '../../rewards/rewards.ts'
import type { RewardsInit } from '../../rewards/rewards.ts'
import { DEFAULT_SCORE_CONFIG } from '../../rewards/score-config.ts'
import { openRewardsTestStores } from '../../testing/open-rewards-test-stores.ts'

type TestStores = Awaited<ReturnType<typeof openRewardsTestStores>>

/** Rewards over one node of 300 Mb/s declared uplink, 10 s epochs closed 1 s after their end, 1 base unit of emission per ms. */
function oneNodeRewards(pair: TestStores, clock: { ms: number }, extra: Pick<RewardsInit, 'beforeClose'> = {}): Rewards {
  return new Rewards({
    rewardsStore: pair.rewardsStore,
    listNodes: () =>
      Promise.resolve([
        { id: 'n1', operatorId: 'op-1' as AccountId, publicIp: '203.0.113.5', diskQuotaBytes: 10n ** 11n, registeredAt: new Date(0), lastHeartbeatAt: new Date(clock.ms), declaredUplinkMbps: 300 },
      ]),
    postTransaction: (tx) => pair.store.postTransaction(tx),
    emissionSchedule: { genesisMs: 0, perHourInitial: 3_600_000n, yearlyDecayNumerator: 1n, yearlyDecayDenominator: 1n },
    scoreConfig: DEFAULT_SCORE_CONFIG,
    epochLengthMs: 10_000,
    closeDelayMs: 1_000,
    now: () => clock.ms,
    ...extra,
  })
}

describe('Rewards.closeDueEpochs', () => {
  it('starts a fresh network with the first whole epoch, closes each ended epoch once, and pays a node measured by nothing from its declared uplink', async () => {
    const clock = { ms: 5_000 }
    const pair = await openRewardsTestStores({ url: 'sqlite::memory:', now: () => new Date(clock.ms) })
    try {
      const rewards = oneNodeRewards(pair, clock)
      clock.ms = 15_000
      assert.deepEqual(await rewards.closeDueEpochs(), [], 'the epoch the coordinator started in is not closed')
      clock.ms = 21_500
      const closed = await rewards.closeDueEpochs()
      assert.deepEqual(closed.map((entry) => [entry.epochId, entry.result.status]), [['10000', 'closed']])
      assert.deepEqual(await rewards.closeDueEpochs(), [])
      assert.equal(await pair.store.getBalance('operator:op-1:pending'), 10_000n, 'one node: the whole emission of 10 s at 1 unit/ms')
      const score = await rewards.getNodeScore('n1')
      assert.equal(score?.evidence.declaredMbps, 300)
      assert.equal(score.factors.bandwidth, 150 / 1500)
    } finally {
      await pair.store.close()
    }
  })

  it('runs beforeClose (the delivery of kept usage flags) before an epoch closes, only when one is due, and closes nothing while it fails', async () => {
    const clock = { ms: 5_000 }
    const pair = await openRewardsTestStores({ url: 'sqlite::memory:', now: () => new Date(clock.ms) })
    try {
      const calls: number[] = []
      let failures = 1
      const rewards = oneNodeRewards(pair, clock, {
        beforeClose: async () => {
          calls.push(clock.ms)
          if (failures > 0) {
            failures -= 1
            throw new Error('flags unreachable')
          }
          // A flag kept with a batch of the epoch, delivered only now.
          await pair.rewardsStore.saveProbeResults([{ id: 'usage-b1', nodeId: 'n1', kind: 'usage', atMs: 12_000, outcome: 'fail', measurements: {}, reason: 'inflated' }])
        },
      })
      clock.ms = 15_000
      assert.deepEqual(await rewards.closeDueEpochs(), [])
      assert.deepEqual(calls, [], 'nothing due: no delivery')
      clock.ms = 21_500
      await assert.rejects(rewards.closeDueEpochs(), /flags unreachable/)
      assert.equal(await pair.rewardsStore.latestEpoch(), undefined, 'a failed delivery closes nothing')
      const closed = await rewards.closeDueEpochs()
      assert.deepEqual(closed.map((entry) => [entry.epochId, entry.result.status]), [['10000', 'closed']])
      assert.deepEqual(calls, [21_500, 21_500])
      const score = await rewards.getNodeScore('n1')
      assert.equal(score?.factors.correctness, 0, 'the delivered flag counted in the close')
      assert.equal(await pair.store.getBalance('operator:op-1:pending'), 0n)
    } finally {
      await pair.store.close()
    }
  })
})
