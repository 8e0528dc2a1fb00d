import type { ColumnType } from 'kysely'

// Type aliases, not interfaces: `$extendTables` wants Record-compatible types.

/** Row shapes of the rewards tables (migration 0030), merged with `$extendTables`. */
type TimestampMs = ColumnType<number | string, number, number>
type Money = ColumnType<string, string, string>

export type EpochsTable = {
  id: string
  start_ms: TimestampMs
  end_ms: TimestampMs
  emission: Money
  emitted: Money
  usage_paid: Money
  nodes_rewarded: number
  claimed_at: TimestampMs
  closed_at: ColumnType<number | string | null, number | null, number | null>
}

export type EpochNodeScoresTable = {
  epoch_id: string
  node_id: string
  operator_id: string
  public_ip: string
  score: number
  weight: Money
  credit: number
  measured_mbps: number | null
  bandwidth: number
  storage: number
  correctness: number
  is_online: number
  speed_probes: number
  declared_mbps: number | null
  offered_disk_bytes: string
  verified_disk_bytes: string | null
  previous_credit: number | null
  epoch_hours: number
  content_passed: number
  content_failed: number
  usage_held: number
  penalties: string
}

export type EpochPayoutsTable = {
  epoch_id: string
  operator_id: string
  source: string
  amount: Money
  held_reason: string | null
}

export type ProbeResultsTable = {
  id: string
  node_id: string
  kind: string
  at_ms: TimestampMs
  outcome: string
  measurements: string
  reason: string
}

export type RewardsDatabaseSchema = {
  epochs: EpochsTable
  epoch_node_scores: EpochNodeScoresTable
  epoch_payouts: EpochPayoutsTable
  probe_results: ProbeResultsTable
}
