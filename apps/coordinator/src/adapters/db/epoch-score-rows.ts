import type { Selectable, Transaction } from 'kysely'
import type { EpochScoreTable } from '../../rewards/epoch-score-table.ts'
import type { NodeScore, Penalty } from '../../rewards/node-score.ts'
import type { AccountId } from '@meson/protocol'
import type { DatabaseSchema } from './database-schema.ts'
import type { EpochNodeScoresTable, RewardsDatabaseSchema } from './rewards-database-schema.ts'
import type { SqlDialect } from './sql-dialect.ts'
import { insertColumnRows } from './insert-column-rows.ts'
import type { ColumnValue } from './insert-column-rows.ts'

type Schema = DatabaseSchema & RewardsDatabaseSchema

// How a node's epoch score is written to and read from `epoch_node_scores`.

/** The score columns in the order `insertEpochScores` writes them, with their PostgreSQL types. */
const SCORE_COLUMNS = [
  'node_id', 'operator_id', 'public_ip', 'score', 'weight', 'credit', 'measured_mbps', 'bandwidth', 'storage', 'correctness', 'is_online',
  'speed_probes', 'declared_mbps', 'offered_disk_bytes', 'verified_disk_bytes', 'previous_credit', 'epoch_hours', 'content_passed', 'content_failed', 'usage_held', 'penalties',
] as const
const SCORE_COLUMN_TYPES = [
  'text', 'text', 'text', 'float8', 'numeric', 'float8', 'float8', 'float8', 'float8', 'float8', 'integer',
  'integer', 'float8', 'text', 'text', 'float8', 'float8', 'integer', 'integer', 'integer', 'text',
] as const

/**
 * Writes the score rows [start, end) of an epoch's score table column by column
 * (`insertColumnRows`: COPY in PostgreSQL, multi-row VALUES in SQLite), inside the
 * caller's transaction. The column arrays are the slice's only copy.
 */
export async function insertEpochScores(trx: Transaction<Schema>, dialect: SqlDialect, epochId: string, table: EpochScoreTable, start: number, end: number): Promise<void> {
  const count = Math.max(0, end - start)
  const slice = <T, U>(values: readonly T[], map: (value: T) => U): U[] => {
    const out = new Array<U>(count)
    for (let row = 0; row < count; row += 1) out[row] = map(values[start + row] as T)
    return out
  }
  const same = <T extends ColumnValue>(value: T): T => value
  const nullable = (value: number): number | null => (Number.isNaN(value) ? null : value)
  const flag = (value: boolean): number => (value ? 1 : 0)
  // Rows without a penalty of their own mostly share one anti-Sybil penalty object: its JSON once.
  const jsonOf = new Map<Penalty | undefined, string>([[undefined, '[]']])
  const penalties = new Array<string>(count)
  for (let row = 0; row < count; row += 1) {
    const own = table.penalties.get(start + row)
    const sybil = table.sybilPenalties[start + row]
    let json = own === undefined ? jsonOf.get(sybil) : undefined
    if (json === undefined) {
      json = JSON.stringify(table.penaltiesOf(start + row))
      if (own === undefined) jsonOf.set(sybil, json)
    }
    penalties[row] = json
  }
  const epochHours = new Array<number>(count).fill(table.epochHours)
  const columns: ColumnValue[][] = [
    slice(table.nodeIds, same),
    slice(table.operatorIds, same),
    slice(table.publicIps, same),
    slice(table.scores, same),
    slice(table.weights, String),
    slice(table.credits, same),
    slice(table.measuredMbps, nullable),
    slice(table.bandwidths, same),
    slice(table.storages, same),
    slice(table.correctnesses, same),
    slice(table.isOnline, flag),
    slice(table.speedProbes, same),
    slice(table.declaredMbps, nullable),
    slice(table.offeredDiskBytes, String),
    slice(table.verifiedDiskBytes, (value) => (value === null ? null : String(value))),
    slice(table.previousCredits, nullable),
    epochHours,
    slice(table.contentProbesPassed, same),
    slice(table.contentProbesFailed, same),
    slice(table.isUsageHeld, flag),
    penalties,
  ]
  await insertColumnRows(trx, dialect, {
    table: 'epoch_node_scores',
    columns: SCORE_COLUMNS,
    postgresTypes: SCORE_COLUMN_TYPES,
    constantColumns: [{ column: 'epoch_id', value: epochId, postgresType: 'text' }],
    values: columns,
    rowCount: count,
  })
}

/** A stored score row back to the typed score. */
export function toNodeScore(row: Selectable<EpochNodeScoresTable>): NodeScore & { readonly epochId: string } {
  return {
    epochId: row.epoch_id,
    nodeId: row.node_id,
    operatorId: row.operator_id as AccountId,
    publicIp: row.public_ip,
    score: row.score,
    weight: BigInt(row.weight),
    credit: row.credit,
    measuredMbps: row.measured_mbps,
    factors: { bandwidth: row.bandwidth, storage: row.storage, credit: row.credit, correctness: row.correctness },
    evidence: {
      isOnline: row.is_online === 1,
      speedProbes: row.speed_probes,
      declaredMbps: row.declared_mbps,
      offeredDiskBytes: BigInt(row.offered_disk_bytes),
      verifiedDiskBytes: row.verified_disk_bytes === null ? null : BigInt(row.verified_disk_bytes),
      previousCredit: row.previous_credit,
      epochHours: row.epoch_hours,
      contentProbesPassed: row.content_passed,
      contentProbesFailed: row.content_failed,
      isUsageHeld: row.usage_held === 1,
    },
    // Only insertEpochScores writes the column, from the typed plan.
    penalties: JSON.parse(row.penalties) as Penalty[],
  }
}
