import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import type { Store } from '../store/store.ts'
import { SCENARIO_EMISSION, SCENARIO_EPOCH, SCENARIO_NODES, scenarioBalances, seedRewardsScenario } from '../testing/rewards-scenario.ts'
import { closeEpoch } from './close-epoch.ts'
import type { CloseEpochComponents } from './close-epoch.ts'
import { planEpochClose } from './plan-epoch-close.ts'
import type { RewardsStore } from './rewards-store.ts'
import { DEFAULT_SCORE_CONFIG } from './score-config.ts'

export interface RewardsStorePair {
  readonly store: Store
  readonly rewardsStore: RewardsStore
}

/** Opens a fresh pair whose store stamps ledger rows with the clock `now`. */
export type OpenRewardsStores = (now: () => Date) => Promise<RewardsStorePair>

function components(pair: RewardsStorePair, extra: Partial<CloseEpochComponents> = {}): CloseEpochComponents {
  return {
    rewardsStore: pair.rewardsStore,
    listNodes: () => Promise.resolve(SCENARIO_NODES),
    postTransaction: (tx) => pair.store.postTransaction(tx),
    emissionSchedule: SCENARIO_EMISSION,
    scoreConfig: DEFAULT_SCORE_CONFIG,
    now: () => SCENARIO_EPOCH.endMs + 1000,
    ...extra,
  }
}

/** The RewardsStore compliance suite, with the epoch close on top, run against every implementation. */
export function runRewardsStoreContract(name: string, open: OpenRewardsStores): void {
  describe(`RewardsStore contract (${name})`, () => {
    const clock = { ms: 3_700_000 }
    let pair: RewardsStorePair
    before(async () => {
      pair = await open(() => new Date(clock.ms))
      await seedRewardsScenario(pair.store, pair.rewardsStore)
      clock.ms = SCENARIO_EPOCH.endMs + 500
    })
    after(() => pair.store.close())

    it('loads only the evidence of the epoch window, and the usage metering credited in it', async () => {
      const evidence = await pair.rewardsStore.loadEpochEvidence(SCENARIO_EPOCH.startMs, SCENARIO_EPOCH.endMs)
      assert.equal(evidence.probes.some((probe) => probe.id === 'content-b-late'), false)
      assert.equal(evidence.probes.length, 8)
      assert.equal(evidence.usageEarnings.get('op-cheat' as AccountId), 5_000_000n)
      assert.equal(evidence.usageEarnings.get('op-a' as AccountId), 777n)
      assert.equal(evidence.previous.size, 0)
    })

    it('closes an epoch: honest nodes share the emission exactly, the cheat and the twin earn nothing', async () => {
      const result = await closeEpoch(SCENARIO_EPOCH, components(pair))
      assert.deepEqual(result, { status: 'closed', claimed: true, posted: 2 })
      const epoch = await pair.rewardsStore.getEpoch(SCENARIO_EPOCH.id)
      assert.equal(epoch?.emission, 1_000_000_000_000_000_000_003n)
      assert.equal(epoch.emitted, epoch.emission)
      assert.equal(epoch.nodesRewarded, 3)
      const emitted = -(await pair.store.getBalance('system:emission'))
      assert.equal(emitted, epoch.emission)
      const pending = async (operator: string): Promise<bigint> => pair.store.getBalance(`operator:${operator}:pending`)
      assert.equal((await pending('op-a')) - 777n + (await pending('op-b')), emitted)
      assert.equal(await pending('op-cheat'), 0n)
      assert.equal(await pair.store.getBalance('operator:op-cheat:held'), 5_000_000n)
      assert.equal(await pending('op-twin'), 0n)
    })

    it('explains the cheat\'s and the twin\'s zero with the reason', async () => {
      const cheat = await pair.rewardsStore.getNodeScore('node-cheat')
      assert.equal(cheat?.epochId, SCENARIO_EPOCH.id)
      assert.equal(cheat.factors.correctness, 0)
      assert.match(cheat.penalties.map((penalty) => penalty.reason).join(' '), /SHA-256/)
      const twin = await pair.rewardsStore.getNodeScore('node-twin', SCENARIO_EPOCH.id)
      assert.equal(twin?.weight, 0n)
      assert.equal(twin.penalties[0]?.kind, 'same-ip')
      const penalties = await pair.rewardsStore.listNodePenalties('node-cheat', 10)
      assert.equal(penalties[0]?.kind, 'content-probe-failed')
      const earnings = await pair.rewardsStore.listEarnings('op-cheat' as AccountId, 10)
      assert.deepEqual(earnings.map((row) => [row.source, row.amount, row.heldReason !== null]), [['usage', 5_000_000n, true]])
    })

    it('changes nothing when the epoch is closed again', async () => {
      const before = await scenarioBalances(pair.store)
      assert.deepEqual(await closeEpoch(SCENARIO_EPOCH, components(pair)), { status: 'already-closed' })
      assert.deepEqual(await scenarioBalances(pair.store), before)
    })

    it('refuses a second claim of the same epoch and keeps the first plan', async () => {
      const plan = planEpochClose({ epoch: SCENARIO_EPOCH, emission: 1n, nodes: [], usageEarnings: new Map(), config: DEFAULT_SCORE_CONFIG })
      assert.equal(await pair.rewardsStore.claimEpoch(plan, 1), 'taken')
      assert.equal((await pair.rewardsStore.getEpoch(SCENARIO_EPOCH.id))?.emission, 1_000_000_000_000_000_000_003n)
    })

    it('lists epochs newest first and keeps probe results idempotent by id', async () => {
      assert.deepEqual((await pair.rewardsStore.listEpochs(5)).map((epoch) => epoch.id), [SCENARIO_EPOCH.id])
      await pair.rewardsStore.saveProbeResults([{ id: 'speed-node-a-1', nodeId: 'node-a', kind: 'speed', atMs: 1, outcome: 'fail', measurements: {}, reason: 'x' }])
      const results = await pair.rewardsStore.listProbeResults('node-a', 0, 10_000_000)
      assert.equal(results.filter((result) => result.id === 'speed-node-a-1')[0]?.outcome, 'pass')
    })

    it('keeps an IPFS content probe\'s kind as stored (not read back as another kind)', async () => {
      await pair.rewardsStore.saveProbeResults([{ id: 'ipfs-node-z-1', nodeId: 'node-z', kind: 'ipfs-content', atMs: 2, outcome: 'fail', measurements: { status: 200 }, reason: 'wrong bytes' }])
      const results = await pair.rewardsStore.listProbeResults('node-z', 0, 10)
      assert.deepEqual(results.map((result) => [result.id, result.kind, result.outcome]), [['ipfs-node-z-1', 'ipfs-content', 'fail']])
    })

    it('resumes a close that crashed after its first ledger transaction, to the same ledger', async () => {
      const clean = await open(() => new Date(3_700_000))
      const crashed = await open(() => new Date(3_700_000))
      try {
        await seedRewardsScenario(clean.store, clean.rewardsStore)
        await seedRewardsScenario(crashed.store, crashed.rewardsStore)
        await closeEpoch(SCENARIO_EPOCH, components(clean))
        await assert.rejects(
          closeEpoch(SCENARIO_EPOCH, components(crashed, { afterPost: () => { throw new Error('crash') } })),
          /crash/,
        )
        assert.equal((await crashed.rewardsStore.getEpoch(SCENARIO_EPOCH.id))?.closedAtMs, null)
        const resumed = await closeEpoch(SCENARIO_EPOCH, components(crashed))
        assert.deepEqual(resumed, { status: 'closed', claimed: false, posted: 1 })
        assert.deepEqual(await scenarioBalances(crashed.store), await scenarioBalances(clean.store))
      } finally {
        await clean.store.close()
        await crashed.store.close()
      }
    })

    it('lets only one of two racing closers claim the epoch, and the ledger is posted once', async () => {
      const racing = await open(() => new Date(3_700_000))
      try {
        await seedRewardsScenario(racing.store, racing.rewardsStore)
        const results = await Promise.all([closeEpoch(SCENARIO_EPOCH, components(racing)), closeEpoch(SCENARIO_EPOCH, components(racing))])
        const claims = results.filter((result) => result.status === 'closed' && result.claimed).length
        assert.equal(claims, 1)
        assert.equal(-(await racing.store.getBalance('system:emission')), 1_000_000_000_000_000_000_003n)
      } finally {
        await racing.store.close()
      }
    })
  })
}
