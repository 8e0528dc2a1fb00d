import type { AccountId } from '@meson/protocol'
import type { ProbeResult, RewardableNode } from '@meson/coordinator/testing'

/** The benchmark's epoch: one hour, long after genesis. */
export const BENCH_EPOCH = { id: '1800000000000', startMs: 1_800_000_000_000, endMs: 1_800_003_600_000 } as const

const GB = 1_000_000_000n

/**
 * A deterministic fleet of `count` nodes: one operator per 4 nodes, distinct public IPs
 * (a few /24s shared), disks from 10 to 200 GB, all heartbeating in the epoch.
 */
export function simulatedNodes(count: number): RewardableNode[] {
  const nodes: RewardableNode[] = []
  for (let index = 0; index < count; index += 1) {
    nodes.push({
      id: `node-${index.toString(36).padStart(6, '0')}`,
      operatorId: `op-${Math.floor(index / 4).toString(36)}` as AccountId,
      publicIp: `${10 + (index >>> 24)}.${(index >>> 16) & 255}.${(index >>> 8) & 255}.${index & 255}`,
      diskQuotaBytes: BigInt(10 + (index % 191)) * GB,
      registeredAt: new Date(0),
      lastHeartbeatAt: new Date(BENCH_EPOCH.endMs - 1000),
    })
  }
  return nodes
}

/** One speed probe per node in the epoch (what the hunters record at the least). */
export function simulatedProbes(nodes: readonly RewardableNode[], from: number, to: number): ProbeResult[] {
  return nodes.slice(from, to).map((node, offset) => ({
    id: `speed-${node.id}`,
    nodeId: node.id,
    kind: 'speed',
    atMs: BENCH_EPOCH.startMs + 1000 + ((from + offset) % 3_000_000),
    outcome: 'pass',
    measurements: { mbps: 50 + ((from + offset) % 1700), ttfbMs: 30 },
    reason: 'measured',
  }))
}
