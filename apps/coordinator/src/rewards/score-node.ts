import type { AccountId } from '@meson/protocol'
import type { NodeScore, Penalty } from './node-score.ts'
import type { ScoreConfig } from './score-config.ts'
import { computeBandwidthFactor, computeNextCredit, computeStorageFactor, nextStorageStep } from './score-factors.ts'

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
}

/**
 * Scores one node for one epoch: bandwidth × storage × credit × correctness, each
 * factor with the measurements behind it and what would raise it. Pure. The
 * anti-Sybil rules (one node per IP, a /24 shares) are applied after, over the fleet.
 */
export function scoreNode(input: NodeEpochInput, epochHours: number, config: ScoreConfig): Omit<NodeScore, 'weight'> {
  const penalties: Penalty[] = []
  const bandwidth = computeBandwidthFactor(input.measuredMbps, config)
  const storageBytes = input.verifiedDiskBytes === null ? input.offeredDiskBytes : minBigint(input.offeredDiskBytes, input.verifiedDiskBytes)
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
  const online = input.isOnline ? 1 : 0
  if (!input.isOnline) penalties.push({ kind: 'offline', reason: 'the node did not heartbeat or answer reachability probes through the epoch' })

  const nextStep = nextStorageStep(storageBytes, config)
  return {
    nodeId: input.nodeId,
    operatorId: input.operatorId,
    publicIp: input.publicIp,
    score: bandwidth * storage * credit * correctness * online,
    credit,
    measuredMbps: input.measuredMbps,
    penalties,
    factors: {
      bandwidth: {
        value: bandwidth,
        measurements: { measuredMbps: input.measuredMbps, capMbps: config.bandwidthCapMbps, speedProbes: input.speedProbes },
        howToRaise:
          input.measuredMbps === null
            ? 'No speed probe has measured this node yet: keep it online and reachable at its public URL.'
            : bandwidth >= 1
              ? 'At the cap: more bandwidth does not raise this factor.'
              : `Raise the uplink: the factor grows linearly up to ${config.bandwidthCapMbps} Mb/s measured.`,
      },
      storage: {
        value: storage,
        measurements: { offeredBytes: input.offeredDiskBytes.toString(), verifiedBytes: input.verifiedDiskBytes?.toString() ?? null, scoredBytes: storageBytes.toString() },
        howToRaise: nextStep === undefined ? 'At the top of the curve: more disk does not raise this factor.' : `Offer at least ${nextStep} bytes of disk (the next point on the curve).`,
      },
      credit: {
        value: credit,
        measurements: { previousCredit: input.previousCredit, isHealthy, epochHours },
        howToRaise: credit >= 1 ? 'At the maximum: stay online and healthy to keep it.' : 'Stay online and pass every probe: credit grows each healthy hour and falls while the node is down.',
      },
      correctness: {
        value: correctness,
        measurements: { contentProbesPassed: input.contentProbesPassed, contentProbesFailed: input.contentProbeFailures.length, usageHeld: input.usageHoldReason !== null },
        howToRaise: correctness === 1 ? 'Nothing to do: every probe passed and usage was plausible.' : 'Serve the origin\'s exact bytes and report only what was served; correctness is back to 1 the next epoch that passes.',
      },
    },
  }
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}
