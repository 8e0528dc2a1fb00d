import type { Selectable, Transaction } from 'kysely'
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
 * Writes score rows column by column (`insertColumnRows`: `unnest` arrays in PostgreSQL,
 * multi-row VALUES in SQLite), inside the caller's transaction.
 */
export async function insertEpochScores(trx: Transaction<Schema>, dialect: SqlDialect, epochId: string, scores: readonly NodeScore[]): Promise<void> {
  const columns: ColumnValue[][] = SCORE_COLUMNS.map(() => new Array<ColumnValue>(scores.length))
  scores.forEach((score, row) => {
    const values: readonly ColumnValue[] = [
      score.nodeId,
      score.operatorId,
      score.publicIp,
      score.score,
      score.weight.toString(),
      score.credit,
      score.measuredMbps,
      score.factors.bandwidth,
      score.factors.storage,
      score.factors.correctness,
      score.evidence.isOnline ? 1 : 0,
      score.evidence.speedProbes,
      score.evidence.declaredMbps,
      score.evidence.offeredDiskBytes.toString(),
      score.evidence.verifiedDiskBytes?.toString() ?? null,
      score.evidence.previousCredit,
      score.evidence.epochHours,
      score.evidence.contentProbesPassed,
      score.evidence.contentProbesFailed,
      score.evidence.isUsageHeld ? 1 : 0,
      score.penalties.length === 0 ? '[]' : JSON.stringify(score.penalties),
    ]
    values.forEach((value, column) => {
      const target = columns[column]
      if (target !== undefined) target[row] = value
    })
  })
  await insertColumnRows(trx, dialect, {
    table: 'epoch_node_scores',
    columns: SCORE_COLUMNS,
    postgresTypes: SCORE_COLUMN_TYPES,
    constantColumns: [{ column: 'epoch_id', value: epochId, postgresType: 'text' }],
    values: columns,
    rowCount: scores.length,
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
