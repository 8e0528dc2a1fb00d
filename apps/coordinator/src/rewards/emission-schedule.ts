/**
 * The token emission schedule: a fixed amount per epoch-hour that decays by a fixed
 * ratio every year after genesis, as Meson's did. Pure; amounts are base units.
 */
export interface EmissionSchedule {
  /** When emission starts (ms since the Unix epoch). */
  readonly genesisMs: number
  /** Base units emitted per hour in the first year. */
  readonly perHourInitial: bigint
  /** Each year's rate is the previous one × numerator / denominator (e.g. 80/100). */
  readonly yearlyDecayNumerator: bigint
  readonly yearlyDecayDenominator: bigint
}

const YEAR_MS = 365 * 24 * 3_600_000
const HOUR_MS = 3_600_000n

/** The per-hour rate in force at `atMs` (0 before genesis). */
export function emissionRateAt(schedule: EmissionSchedule, atMs: number): bigint {
  if (atMs < schedule.genesisMs) return 0n
  const years = Math.floor((atMs - schedule.genesisMs) / YEAR_MS)
  let rate = schedule.perHourInitial
  for (let year = 0; year < years && rate > 0n; year += 1) rate = (rate * schedule.yearlyDecayNumerator) / schedule.yearlyDecayDenominator
  return rate
}

/**
 * The emission of the epoch [startMs, endMs): the rate in force at its start, pro rata
 * to its length (floored to a base unit). An epoch never straddles two rates in a way
 * that matters: the rate changes once a year and epochs are hours long.
 */
export function emissionForEpoch(schedule: EmissionSchedule, startMs: number, endMs: number): bigint {
  if (endMs <= startMs) return 0n
  return (emissionRateAt(schedule, startMs) * BigInt(endMs - startMs)) / HOUR_MS
}
