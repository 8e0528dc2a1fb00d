import { sql } from 'kysely'
import type { Selectable, Transaction } from 'kysely'
import type { NodeScore, Penalty } from '../../rewards/node-score.ts'
import type { AccountId } from '@meson/protocol'
import type { DatabaseSchema } from './database-schema.ts'
import type { EpochNodeScoresTable, RewardsDatabaseSchema } from './rewards-database-schema.ts'
import type { SqlDialect } from './sql-dialect.ts'

type Schema = DatabaseSchema & RewardsDatabaseSchema

// How a node's epoch score is written to and read from `epoch_node_scores`.

/** Score rows per JSON-expanding INSERT. */
export const SCORE_ROWS_PER_STATEMENT = 20_000
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
 * Score rows travel as one JSON array per statement, expanded by the database
 * (`json_each` in SQLite, `jsonb_array_elements` in PostgreSQL): a million rows in a few dozen statements,
 * instead of a statement per 1 500 rows prepared and bound one parameter at a time.
 */
export async function insertEpochScores(trx: Transaction<Schema>, dialect: SqlDialect, epochId: string, scores: readonly NodeScore[]): Promise<void> {
  const json = JSON.stringify(
    scores.map((score) => [
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
    ]),
  )
  const columns = sql.raw(SCORE_COLUMNS.join(', '))
  if (dialect === 'postgres') {
    const casts = sql.raw(SCORE_COLUMN_TYPES.map((type, index) => `(e->>${index})::${type}`).join(', '))
    await sql`insert into epoch_node_scores (epoch_id, ${columns}) select ${epochId}, ${casts} from jsonb_array_elements(${json}::jsonb) as e`.execute(trx)
    return
  }
  const values = sql.raw(SCORE_COLUMNS.map((_column, index) => `value->>${index}`).join(', '))
  await sql`insert into epoch_node_scores (epoch_id, ${columns}) select ${epochId}, ${values} from json_each(${json})`.execute(trx)
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
