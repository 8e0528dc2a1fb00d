import type { AccountId } from '@meson/protocol'

/** What made a node's score lower than its factors alone would give, with the reason. */
export type PenaltyKind = 'content-probe-failed' | 'usage-implausible' | 'storage-probe-failed' | 'offline' | 'same-ip' | 'shared-subnet'

export interface Penalty {
  readonly kind: PenaltyKind
  readonly reason: string
}

export type Measurements = Readonly<Record<string, string | number | boolean | null>>

/** One factor of a score: its value in [0, 1], what it was computed from, and how to raise it. */
export interface ScoreFactor {
  readonly value: number
  readonly measurements: Measurements
  readonly howToRaise: string
}

export interface ScoreFactors {
  readonly bandwidth: ScoreFactor
  readonly storage: ScoreFactor
  readonly credit: ScoreFactor
  readonly correctness: ScoreFactor
}

/** The four factor values of a score. */
export interface FactorValues {
  readonly bandwidth: number
  readonly storage: number
  readonly credit: number
  readonly correctness: number
}

/** The measurements a score was computed from (stored flat, explained on read). */
export interface ScoreEvidence {
  readonly isOnline: boolean
  readonly speedProbes: number
  /** The declared uplink that stood in for a measurement (discounted), or null. */
  readonly declaredMbps: number | null
  readonly offeredDiskBytes: bigint
  readonly verifiedDiskBytes: bigint | null
  readonly previousCredit: number | null
  readonly epochHours: number
  readonly contentProbesPassed: number
  readonly contentProbesFailed: number
  readonly isUsageHeld: boolean
}

/**
 * A node's score for one epoch, as stored. Flat on purpose: an epoch of a million nodes
 * keeps a million of these in memory; `explainNodeScore` builds the prose on demand.
 */
export interface NodeScore {
  readonly nodeId: string
  readonly operatorId: AccountId
  readonly publicIp: string
  /** Product of the factors (0 when offline), before the anti-Sybil rules. */
  readonly score: number
  /** Integer weight in the emission split, after the anti-Sybil rules (0 = earns no emission). */
  readonly weight: bigint
  /** Credit carried into the next epoch. */
  readonly credit: number
  /** Throughput carried into the next epoch when no new speed probe arrives. */
  readonly measuredMbps: number | null
  readonly factors: FactorValues
  readonly evidence: ScoreEvidence
  readonly penalties: readonly Penalty[]
}
