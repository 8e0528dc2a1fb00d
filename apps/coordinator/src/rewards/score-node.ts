import type { AccountId } from '@meson/protocol'
import type { NodeScore, Penalty } from './node-score.ts'
import type { ScoreConfig } from './score-config.ts'
import { computeBandwidthFactor, computeNextCredit, computeStorageFactor } from './score-factors.ts'

/** What the coordinator knows of one node for one epoch. */
export interface NodeEpochInput {
  readonly nodeId: string
  readonly operatorId: AccountId
  readonly publicIp: string
  readonly registeredAtMs: number
  /** Whether the node heartbeated and answered reachability probes through the epoch. */
  readonly isOnline: boolean
  /** Median throughput of the epoch's speed probes, else the last known, else null. */
  readonly measuredMbps: number | null
  readonly speedProbes: number
  /** Declared uplink, used (discounted) only while nothing was measured. */
  readonly declaredMbps?: number | null
  /** Disk the node offers (registration), and the part probes verified, if any were. */
  readonly offeredDiskBytes: bigint
  readonly verifiedDiskBytes: bigint | null
  /** Credit at the end of the previous epoch; null for a node never scored. */
  readonly previousCredit: number | null
  readonly contentProbesPassed: number
  /** Reasons of the epoch's failed content probes (empty when all passed). */
  readonly contentProbeFailures: readonly string[]
  /** Why the node's usage reports were implausible this epoch, or null. */
  readonly usageHoldReason: string | null
  /** The reason of the epoch's first failed storage probe (verified disk is then 0), or null. */
  readonly storageProbeFailure?: string | null
}

const NO_PENALTIES: readonly Penalty[] = Object.freeze([])
const OFFLINE: Penalty = Object.freeze({ kind: 'offline', reason: 'the node did not heartbeat or answer reachability probes through the epoch' })

/**
 * Scores one node for one epoch: bandwidth × storage × credit × correctness (× 0 when
 * offline), with the evidence behind each factor and every penalty's reason. Pure. The
 * anti-Sybil rules (one node per IP, a /24 shares) are applied after, over the fleet.
 */
export function scoreNode(input: NodeEpochInput, epochHours: number, config: ScoreConfig): Omit<NodeScore, 'weight'> {
  const penalties: Penalty[] = []
  const declared = input.measuredMbps === null && input.declaredMbps !== undefined && input.declaredMbps !== null ? input.declaredMbps * config.unmeasuredBandwidthDiscount : null
  const bandwidth = computeBandwidthFactor(input.measuredMbps ?? declared, config)
  const storageBytes = input.verifiedDiskBytes !== null && input.verifiedDiskBytes < input.offeredDiskBytes ? input.verifiedDiskBytes : input.offeredDiskBytes
  const storage = computeStorageFactor(storageBytes, config)
  const isHealthy = input.isOnline && input.contentProbeFailures.length === 0
  const credit = computeNextCredit(input.previousCredit, isHealthy, epochHours, config)
  let correctness = 1
  if (input.contentProbeFailures.length > 0) {
    correctness = 0
    penalties.push({ kind: 'content-probe-failed', reason: input.contentProbeFailures[0] ?? 'a content probe failed' })
  }
  if (input.usageHoldReason !== null) {
    correctness = 0
    penalties.push({ kind: 'usage-implausible', reason: input.usageHoldReason })
  }
  // A failed storage challenge already zeroes verified disk (and with it the storage factor); the penalty says why.
  if (input.storageProbeFailure !== undefined && input.storageProbeFailure !== null) penalties.push({ kind: 'storage-probe-failed', reason: input.storageProbeFailure })
  if (!input.isOnline) penalties.push(OFFLINE)
  return {
    nodeId: input.nodeId,
    operatorId: input.operatorId,
    publicIp: input.publicIp,
    score: input.isOnline ? bandwidth * storage * credit * correctness : 0,
    credit,
    measuredMbps: input.measuredMbps,
    factors: { bandwidth, storage, credit, correctness },
    evidence: {
      isOnline: input.isOnline,
      speedProbes: input.speedProbes,
      declaredMbps: input.measuredMbps === null ? (input.declaredMbps ?? null) : null,
      offeredDiskBytes: input.offeredDiskBytes,
      verifiedDiskBytes: input.verifiedDiskBytes,
      previousCredit: input.previousCredit,
      epochHours,
      contentProbesPassed: input.contentProbesPassed,
      contentProbesFailed: input.contentProbeFailures.length,
      isUsageHeld: input.usageHoldReason !== null,
    },
    // The common case shares one empty list (a million scores hold their penalties).
    penalties: penalties.length === 0 ? NO_PENALTIES : penalties,
  }
}
