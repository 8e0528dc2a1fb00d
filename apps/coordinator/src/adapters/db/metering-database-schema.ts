import type { ColumnType } from 'kysely'

// Type aliases, not interfaces: `$extendTables` wants Record-compatible types, which an
// interface (no implicit index signature) is not.

/**
 * Row shapes of the metering tables (migration 0003), merged into the main schema with
 * `db.$extendTables<MeteringDatabaseSchema>()`. 64-bit byte counts are written as decimal
 * strings and read with `cast(... as text)`: node:sqlite returns integers as JS numbers,
 * exact only below 2^53, and pg returns `bigint` as a string anyway.
 */
type Int64 = ColumnType<number | string, string, string>
type TimestampMs = ColumnType<number | string, number, number>
type Money = ColumnType<string, string, string>

export type IssuedTicketsTable = {
  nonce: string
  node_id: string
  zone: string
  /** Migration 0010: the zone's immutable id; null for tickets issued before it. */
  zone_id: ColumnType<string | null, string | null | undefined, string | null>
  path: string
  prefix: number
  client: string
  issued_at: TimestampMs
  expires_at: TimestampMs
  byte_budget: Int64
  accepted_bytes: ColumnType<number | string, string | undefined, string>
}

export type UsageBatchesTable = {
  batch_id: string
  node_id: string
  received_at: TimestampMs
  accepted_lines: number
  rejected_lines: number
  accepted_bytes: Int64
  /** The implausibility flag's JSON ({ reason, measurements }), or null (migration 0080). */
  implausible: ColumnType<string | null, string | null | undefined, string | null>
}

export type UsageHourlyTable = {
  zone_id: string
  zone_name: string
  account_id: string
  hour_start: TimestampMs
  node_id: string
  operator_id: string
  bytes: Int64
  cost: Money
  /** Migration 0060: responses served (0 before it, and for nodes that send no count). */
  requests: ColumnType<number | string, number | undefined, number>
}

/** Migration 0060: hourly usage split by the country of the tickets' clients. */
export type UsageHourlyCountryTable = {
  zone_id: string
  zone_name: string
  account_id: string
  hour_start: TimestampMs
  node_id: string
  operator_id: string
  country: string
  bytes: Int64
  requests: ColumnType<number | string, number, number>
}

export type UsageRejectionsTable = {
  node_id: string
  reason: string
  lines: ColumnType<number | string, number, number>
}

/** Migration 0070: billed bytes and responses per object and node, and origin-measured sizes. */
export type ObjectSizesTable = {
  zone: string
  path: string
  /** A node id, or `@origin` for the size the coordinator measured at the origin. */
  observer: string
  bytes: Int64
  requests: ColumnType<number | string, number, number>
  updated_at: TimestampMs
}

export type MeteringDatabaseSchema = {
  object_sizes: ObjectSizesTable
  issued_tickets: IssuedTicketsTable
  usage_batches: UsageBatchesTable
  usage_hourly: UsageHourlyTable
  usage_hourly_country: UsageHourlyCountryTable
  usage_rejections: UsageRejectionsTable
}
