import type { ScoreConfig } from './score-config.ts'

/**
 * The four factors of a node's score, each a pure function of its measurements.
 * A factor is in [0, 1]; the score is their product.
 */

/** Bandwidth factor: measured Mb/s, capped, normalized to [0, 1]. No measurement → 0. */
export function computeBandwidthFactor(measuredMbps: number | null, config: ScoreConfig): number {
  if (measuredMbps === null || !Number.isFinite(measuredMbps) || measuredMbps <= 0) return 0
  return Math.min(measuredMbps, config.bandwidthCapMbps) / config.bandwidthCapMbps
}

/** Storage factor: linear between the configured points; 0 below the first point. */
export function computeStorageFactor(bytes: bigint, config: ScoreConfig): number {
  const points = config.storagePoints
  const first = points[0]
  if (first === undefined || bytes < first.bytes) return 0
  for (let index = 1; index < points.length; index += 1) {
    const low = points[index - 1]
    const high = points[index]
    if (low === undefined || high === undefined) break
    if (bytes < high.bytes) {
      // Both sides are at most 2^63, so the ratio fits a double comfortably.
      const fraction = Number(bytes - low.bytes) / Number(high.bytes - low.bytes)
      return low.factor + (high.factor - low.factor) * fraction
    }
  }
  return points[points.length - 1]?.factor ?? 0
}

/**
 * Credit after an epoch: grows while the node was online and healthy, falls while it
 * was down, and stays within [creditInitial, 1]. `previous` is null for a new node.
 */
export function computeNextCredit(previous: number | null, isHealthy: boolean, epochHours: number, config: ScoreConfig): number {
  const start = previous ?? config.creditInitial
  const next = isHealthy ? start + config.creditGainPerHour * epochHours : start - config.creditLossPerHour * epochHours
  return Math.min(1, Math.max(config.creditInitial, next))
}

/** Bytes the next storage point asks for, or undefined at the top of the curve. */
export function nextStorageStep(bytes: bigint, config: ScoreConfig): bigint | undefined {
  return config.storagePoints.find((point) => bytes < point.bytes)?.bytes
}
