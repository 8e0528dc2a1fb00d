import type { AccountId } from '@meson/protocol'
import type { EmissionSchedule } from '../rewards/emission-schedule.ts'
import type { ProbeResult } from '../rewards/probe-result.ts'
import type { RewardableNode } from '../rewards/rewardable-node.ts'
import type { RewardsStore } from '../rewards/rewards-store.ts'
import type { Store } from '../store/store.ts'

/**
 * Test support (not a test): one epoch with three honest nodes, one node serving wrong
 * bytes, and one Sybil twin sharing an IP, plus usage the cheat's operator was paid.
 * Deterministic, so two stores seeded with it must end with the same ledger.
 */

export const SCENARIO_EPOCH = { id: '3600000', startMs: 3_600_000, endMs: 7_200_000 } as const
/** Inside the epoch: the clock a store must be opened with to stamp the seeded usage. */
export const SCENARIO_USAGE_AT_MS = 3_700_000
export const SCENARIO_EMISSION: EmissionSchedule = { genesisMs: 0, perHourInitial: 1_000_000_000_000_000_000_003n, yearlyDecayNumerator: 80n, yearlyDecayDenominator: 100n }

const GB = 1_000_000_000n
const at = (ms: number): Date => new Date(ms)

export const SCENARIO_NODES: readonly RewardableNode[] = [
  { id: 'node-a', operatorId: 'op-a' as AccountId, publicIp: '198.51.100.1', diskQuotaBytes: 100n * GB, registeredAt: at(0), lastHeartbeatAt: at(7_000_000) },
  { id: 'node-b', operatorId: 'op-b' as AccountId, publicIp: '203.0.113.7', diskQuotaBytes: 60n * GB, registeredAt: at(0), lastHeartbeatAt: at(7_000_000) },
  { id: 'node-c', operatorId: 'op-b' as AccountId, publicIp: '192.0.2.9', diskQuotaBytes: 20n * GB, registeredAt: at(0), lastHeartbeatAt: at(7_000_000) },
  { id: 'node-cheat', operatorId: 'op-cheat' as AccountId, publicIp: '100.64.0.1', diskQuotaBytes: 100n * GB, registeredAt: at(0), lastHeartbeatAt: at(7_000_000) },
  { id: 'node-twin', operatorId: 'op-twin' as AccountId, publicIp: '198.51.100.1', diskQuotaBytes: 100n * GB, registeredAt: at(10), lastHeartbeatAt: at(7_000_000) },
]

function speed(nodeId: string, mbps: number, n: number): ProbeResult {
  return { id: `speed-${nodeId}-${n}`, nodeId, kind: 'speed', atMs: 3_700_000 + n, outcome: 'pass', measurements: { mbps, ttfbMs: 20 }, reason: 'measured' }
}

export const SCENARIO_PROBES: readonly ProbeResult[] = [
  speed('node-a', 800, 1),
  speed('node-a', 900, 2),
  speed('node-b', 1500, 1),
  speed('node-c', 120, 1),
  speed('node-cheat', 2000, 1),
  speed('node-twin', 800, 1),
  { id: 'content-cheat-1', nodeId: 'node-cheat', kind: 'content', atMs: 3_800_000, outcome: 'fail', measurements: { expectedSha256: 'aa', actualSha256: 'bb' }, reason: 'the SHA-256 of the body differs from the origin\'s' },
  { id: 'content-a-1', nodeId: 'node-a', kind: 'content', atMs: 3_800_000, outcome: 'pass', measurements: { expectedSha256: 'aa', actualSha256: 'aa' }, reason: 'bytes match the origin' },
  // Outside the epoch: must not count.
  { id: 'content-b-late', nodeId: 'node-b', kind: 'content', atMs: 7_200_000, outcome: 'fail', measurements: {}, reason: 'late' },
]

/** Seeds probes and the usage metering credited during the epoch (store clock at SCENARIO_USAGE_AT_MS). */
export async function seedRewardsScenario(store: Store, rewardsStore: RewardsStore): Promise<void> {
  await rewardsStore.saveProbeResults(SCENARIO_PROBES)
  for (const [operator, amount] of [['op-cheat', 5_000_000n], ['op-a', 777n]] as const) {
    await store.postTransaction({
      id: `usage:seed-${operator}:zone`,
      kind: 'usage',
      entries: [
        { ledgerAccount: 'buyer:buyer-1', amount: -amount },
        { ledgerAccount: `operator:${operator}:pending`, amount },
      ],
    })
  }
}

/** Every balance the scenario's close can touch, for comparing two ledgers. */
export async function scenarioBalances(store: Store): Promise<Record<string, string>> {
  const accounts = ['system:emission', 'buyer:buyer-1']
  for (const operator of ['op-a', 'op-b', 'op-cheat', 'op-twin']) accounts.push(`operator:${operator}:pending`, `operator:${operator}:held`)
  const balances: Record<string, string> = {}
  for (const account of accounts) balances[account] = (await store.getBalance(account)).toString()
  return balances
}
