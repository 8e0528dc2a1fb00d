import type { AccountId } from '@meson/protocol'
import type { NodeScore, Penalty } from './node-score.ts'

const NO_PENALTIES: readonly Penalty[] = Object.freeze([])

/**
 * Every node's score of one epoch, column by column: one array per field instead of one
 * `NodeScore` object (with its factor and evidence objects) per node. A million scores
 * are then a few dozen flat arrays (numbers stored unboxed, ids shared with the fleet's
 * records) instead of a few million small objects, which is what kept an epoch close of
 * a million nodes above 2 GiB. Nulls of number columns are NaN; penalties are sparse
 * (most nodes have none). `at(index)` builds the `NodeScore` of one row on demand.
 */
export class EpochScoreTable {
  readonly epochHours: number
  readonly nodeIds: string[] = []
  readonly operatorIds: AccountId[] = []
  readonly publicIps: string[] = []
  /** Product of the factors (0 when offline), before the anti-Sybil rules. */
  readonly scores: number[] = []
  readonly credits: number[] = []
  readonly measuredMbps: number[] = []
  readonly bandwidths: number[] = []
  readonly storages: number[] = []
  readonly correctnesses: number[] = []
  readonly isOnline: boolean[] = []
  readonly speedProbes: number[] = []
  readonly declaredMbps: number[] = []
  readonly offeredDiskBytes: bigint[] = []
  readonly verifiedDiskBytes: (bigint | null)[] = []
  readonly previousCredits: number[] = []
  readonly contentProbesPassed: number[] = []
  readonly contentProbesFailed: number[] = []
  readonly isUsageHeld: boolean[] = []
  /** Each row's registration time (the anti-Sybil tie-break). */
  readonly registeredAtMs: number[] = []
  /** Weight in the emission split, set by the plan after the anti-Sybil rules (0n until then). */
  weights: bigint[] = []
  /** Penalties of scoring (content, usage, offline) of the rows that have any, by row. */
  readonly penalties = new Map<number, readonly Penalty[]>()
  /**
   * The anti-Sybil rules' cut of each row, if any, set by the plan; rows of one address or
   * subnet share one penalty object (a million nodes in shared /24s are not a million reasons).
   */
  sybilPenalties: readonly (Penalty | undefined)[] = []

  constructor(epochHours: number) {
    this.epochHours = epochHours
  }

  get length(): number {
    return this.nodeIds.length
  }

  /** Appends one scored node (a row); the score object can be dropped afterwards. */
  add(score: Omit<NodeScore, 'weight'>, registeredAtMs: number): void {
    const row = this.nodeIds.length
    this.nodeIds.push(score.nodeId)
    this.operatorIds.push(score.operatorId)
    this.publicIps.push(score.publicIp)
    this.scores.push(score.score)
    this.credits.push(score.credit)
    this.measuredMbps.push(score.measuredMbps ?? Number.NaN)
    this.bandwidths.push(score.factors.bandwidth)
    this.storages.push(score.factors.storage)
    this.correctnesses.push(score.factors.correctness)
    this.isOnline.push(score.evidence.isOnline)
    this.speedProbes.push(score.evidence.speedProbes)
    this.declaredMbps.push(score.evidence.declaredMbps ?? Number.NaN)
    this.offeredDiskBytes.push(score.evidence.offeredDiskBytes)
    this.verifiedDiskBytes.push(score.evidence.verifiedDiskBytes)
    this.previousCredits.push(score.evidence.previousCredit ?? Number.NaN)
    this.contentProbesPassed.push(score.evidence.contentProbesPassed)
    this.contentProbesFailed.push(score.evidence.contentProbesFailed)
    this.isUsageHeld.push(score.evidence.isUsageHeld)
    this.registeredAtMs.push(registeredAtMs)
    this.weights.push(0n)
    if (score.penalties.length > 0) this.penalties.set(row, score.penalties)
  }

  /** A row's penalties: scoring's, then the anti-Sybil rules' cut. */
  penaltiesOf(row: number): readonly Penalty[] {
    const scoring = this.penalties.get(row) ?? NO_PENALTIES
    const sybil = this.sybilPenalties[row]
    return sybil === undefined ? scoring : [...scoring, sybil]
  }

  /** The `NodeScore` of one row, built on demand (undefined past the end). */
  at(row: number): NodeScore | undefined {
    const nodeId = this.nodeIds[row]
    if (nodeId === undefined) return undefined
    const credit = this.credits[row] ?? 0
    return {
      nodeId,
      operatorId: this.operatorIds[row] ?? ('' as AccountId),
      publicIp: this.publicIps[row] ?? '',
      score: this.scores[row] ?? 0,
      weight: this.weights[row] ?? 0n,
      credit,
      measuredMbps: nullIfNaN(this.measuredMbps[row]),
      factors: { bandwidth: this.bandwidths[row] ?? 0, storage: this.storages[row] ?? 0, credit, correctness: this.correctnesses[row] ?? 0 },
      evidence: {
        isOnline: this.isOnline[row] ?? false,
        speedProbes: this.speedProbes[row] ?? 0,
        declaredMbps: nullIfNaN(this.declaredMbps[row]),
        offeredDiskBytes: this.offeredDiskBytes[row] ?? 0n,
        verifiedDiskBytes: this.verifiedDiskBytes[row] ?? null,
        previousCredit: nullIfNaN(this.previousCredits[row]),
        epochHours: this.epochHours,
        contentProbesPassed: this.contentProbesPassed[row] ?? 0,
        contentProbesFailed: this.contentProbesFailed[row] ?? 0,
        isUsageHeld: this.isUsageHeld[row] ?? false,
      },
      penalties: this.penaltiesOf(row),
    }
  }

  /** The first row's score that satisfies `predicate` (tests and small fleets). */
  find(predicate: (score: NodeScore) => boolean): NodeScore | undefined {
    for (let row = 0; row < this.length; row += 1) {
      const score = this.at(row)
      if (score !== undefined && predicate(score)) return score
    }
    return undefined
  }
}

function nullIfNaN(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : value
}
