import type { NodeScore, ScoreFactors } from './node-score.ts'
import type { ScoreConfig } from './score-config.ts'
import { nextStorageStep } from './score-factors.ts'

/** Each factor of a stored score with the measurements behind it and what would raise it. Pure. */
export function explainNodeScore(score: Pick<NodeScore, 'factors' | 'evidence' | 'measuredMbps'>, config: ScoreConfig): ScoreFactors {
  const { factors, evidence } = score
  const scoredBytes = evidence.verifiedDiskBytes !== null && evidence.verifiedDiskBytes < evidence.offeredDiskBytes ? evidence.verifiedDiskBytes : evidence.offeredDiskBytes
  const nextStep = nextStorageStep(scoredBytes, config)
  return {
    bandwidth: {
      value: factors.bandwidth,
      measurements: { measuredMbps: score.measuredMbps, declaredMbps: evidence.declaredMbps, capMbps: config.bandwidthCapMbps, speedProbes: evidence.speedProbes },
      howToRaise:
        score.measuredMbps === null
          ? `No speed probe has measured this node yet, so ${config.unmeasuredBandwidthDiscount * 100} % of its declared uplink counts: keep it online and reachable so the hunters can measure it.`
          : factors.bandwidth >= 1
            ? 'At the cap: more bandwidth does not raise this factor.'
            : `Raise the uplink: the factor grows linearly up to ${config.bandwidthCapMbps} Mb/s measured.`,
    },
    storage: {
      value: factors.storage,
      measurements: { offeredBytes: evidence.offeredDiskBytes.toString(), verifiedBytes: evidence.verifiedDiskBytes?.toString() ?? null, scoredBytes: scoredBytes.toString() },
      howToRaise:
        evidence.verifiedDiskBytes !== null && evidence.verifiedDiskBytes < evidence.offeredDiskBytes
          ? `Only disk proven by storage probes counts (${evidence.verifiedDiskBytes} of ${evidence.offeredDiskBytes} bytes offered): keep the node's data directory on a disk with that room free, and keep the proof-of-storage fill the coordinator sends; a failed challenge counts 0 for the epoch.`
          : nextStep === undefined
            ? 'At the top of the curve: more disk does not raise this factor.'
            : `Offer at least ${nextStep} bytes of disk (the next point on the curve).`,
    },
    credit: {
      value: factors.credit,
      measurements: { previousCredit: evidence.previousCredit, isOnline: evidence.isOnline, epochHours: evidence.epochHours },
      howToRaise: factors.credit >= 1 ? 'At the maximum: stay online and healthy to keep it.' : 'Stay online and pass every probe: credit grows each healthy hour and falls while the node is down.',
    },
    correctness: {
      value: factors.correctness,
      measurements: { contentProbesPassed: evidence.contentProbesPassed, contentProbesFailed: evidence.contentProbesFailed, usageHeld: evidence.isUsageHeld },
      howToRaise:
        factors.correctness === 1
          ? 'Nothing to do: every content probe passed and usage was plausible.'
          : "Serve the origin's exact bytes and report only what was served; correctness is back to 1 the next epoch that passes.",
    },
  }
}
