import type { AccountId } from '@meson/protocol'
import type { Kysely } from 'kysely'
import type { NodeScore, Penalty } from '../../rewards/node-score.ts'
import type { EpochClosePlan, OperatorPayout } from '../../rewards/plan-epoch-close.ts'
import type { ProbeResult } from '../../rewards/probe-result.ts'
import type { EarningsRow, EpochEvidence, EpochSummary, RewardsStore } from '../../rewards/rewards-store.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { RewardsDatabaseSchema } from './rewards-database-schema.ts'
import type { SqlDialect } from './sql-dialect.ts'
import { insertEpochScores, toNodeScore } from './epoch-score-rows.ts'
import { insertColumnRows } from './insert-column-rows.ts'
import { readEpochEvidence, toProbeKind } from './epoch-evidence-rows.ts'
import { markEpochClosePhase } from '../../rewards/epoch-close-phases.ts'

type Schema = DatabaseSchema & RewardsDatabaseSchema
/** Rows per multi-row INSERT: 7 columns × 1 500 stays under SQLite's 32 766 bound parameters. */
const ROWS_PER_INSERT = 1500
/** Rows per keyset page read from PostgreSQL (the default of the `rowsPerPage` option). */
const POSTGRES_ROWS_PER_PAGE = 50_000
/** Plan rows turned into column arrays at a time: bounds the copy a store step holds. */
const PLAN_ROWS_PER_SLICE = 20_000
/**
 * The `RewardsStore` over kysely, on the main store's database. It reads the ledger
 * (usage credited in a window) but never writes it: epoch transactions go through the
 * store's `postTransaction`, the one ledger writer.
 */
export class KyselyRewardsStore implements RewardsStore {
  readonly #db: Kysely<Schema>
  readonly #dialect: SqlDialect
  readonly #rowsPerPage: number

  /** `rowsPerPage`: rows per keyset page read from PostgreSQL (tests make it small). */
  constructor(db: Kysely<DatabaseSchema>, options: { readonly dialect: SqlDialect; readonly rowsPerPage?: number }) {
    this.#db = db.$extendTables<RewardsDatabaseSchema>()
    this.#dialect = options.dialect
    this.#rowsPerPage = options.rowsPerPage ?? POSTGRES_ROWS_PER_PAGE
  }

  async claimEpoch(plan: EpochClosePlan, claimedAtMs: number): Promise<'claimed' | 'taken'> {
    const outcome = await this.#db.transaction().execute(async (trx) => {
      // The claim is the first write: a racing replica waits on the primary key
      // (PostgreSQL) or the write lock (SQLite), then finds the epoch taken.
      const claimed = await trx
        .insertInto('epochs')
        .values({
          id: plan.epoch.id,
          start_ms: plan.epoch.startMs,
          end_ms: plan.epoch.endMs,
          emission: plan.emission.toString(),
          emitted: plan.emitted.toString(),
          usage_paid: plan.usagePaid.toString(),
          nodes_rewarded: plan.nodesRewarded,
          claimed_at: claimedAtMs,
          closed_at: null,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returning('id')
        .executeTakeFirst()
      if (claimed === undefined) return 'taken'
      for (let start = 0; start < plan.scores.length; start += PLAN_ROWS_PER_SLICE) {
        await insertEpochScores(trx, this.#dialect, plan.epoch.id, plan.scores, start, Math.min(plan.scores.length, start + PLAN_ROWS_PER_SLICE))
      }
      markEpochClosePhase('scores-written')
      for (let start = 0; start < plan.payouts.length; start += PLAN_ROWS_PER_SLICE) {
        const payouts = plan.payouts.slice(start, start + PLAN_ROWS_PER_SLICE)
        await insertColumnRows(trx, this.#dialect, {
          table: 'epoch_payouts',
          columns: ['operator_id', 'source', 'amount', 'held_reason'],
          postgresTypes: ['text', 'text', 'numeric', 'text'],
          constantColumns: [{ column: 'epoch_id', value: plan.epoch.id, postgresType: 'text' }],
          values: [payouts.map((payout) => payout.operatorId), payouts.map((payout) => payout.source), payouts.map((payout) => payout.amount.toString()), payouts.map((payout) => payout.heldReason)],
          rowCount: payouts.length,
        })
      }
      markEpochClosePhase('payouts-written')
      return 'claimed' as const
    })
    if (outcome === 'claimed') markEpochClosePhase('committed')
    return outcome
  }

  async markEpochClosed(epochId: string, closedAtMs: number): Promise<void> {
    await this.#db.updateTable('epochs').set({ closed_at: closedAtMs }).where('id', '=', epochId).where('closed_at', 'is', null).execute()
  }

  async getEpoch(epochId: string): Promise<EpochSummary | undefined> {
    const row = await this.#db.selectFrom('epochs').selectAll().where('id', '=', epochId).executeTakeFirst()
    return row === undefined ? undefined : toEpochSummary(row)
  }

  async listEpochs(limit: number): Promise<readonly EpochSummary[]> {
    const rows = await this.#db.selectFrom('epochs').selectAll().orderBy('start_ms', 'desc').limit(limit).execute()
    return rows.map(toEpochSummary)
  }

  async latestEpoch(): Promise<EpochSummary | undefined> {
    return (await this.listEpochs(1))[0]
  }

  async listEpochPayouts(epochId: string): Promise<readonly OperatorPayout[]> {
    const rows = await this.#db.selectFrom('epoch_payouts').selectAll().where('epoch_id', '=', epochId).orderBy('source').orderBy('operator_id').execute()
    return rows.map(toPayout)
  }

  async listEarnings(operatorId: AccountId, limit: number): Promise<readonly EarningsRow[]> {
    const rows = await this.#db
      .selectFrom('epoch_payouts')
      .innerJoin('epochs', 'epochs.id', 'epoch_payouts.epoch_id')
      .selectAll('epoch_payouts')
      .where('epoch_payouts.operator_id', '=', operatorId)
      .orderBy('epochs.start_ms', 'desc')
      .orderBy('epoch_payouts.source')
      .limit(limit)
      .execute()
    return rows.map((row) => ({ ...toPayout(row), epochId: row.epoch_id }))
  }

  async getNodeScore(nodeId: string, epochId?: string): Promise<(NodeScore & { readonly epochId: string }) | undefined> {
    let query = this.#db
      .selectFrom('epoch_node_scores')
      .innerJoin('epochs', 'epochs.id', 'epoch_node_scores.epoch_id')
      .selectAll('epoch_node_scores')
      .where('epoch_node_scores.node_id', '=', nodeId)
    if (epochId !== undefined) query = query.where('epoch_node_scores.epoch_id', '=', epochId)
    const row = await query.orderBy('epochs.start_ms', 'desc').limit(1).executeTakeFirst()
    return row === undefined ? undefined : toNodeScore(row)
  }

  async listNodePenalties(nodeId: string, limit: number): Promise<readonly { readonly epochId: string; readonly kind: string; readonly reason: string }[]> {
    const rows = await this.#db
      .selectFrom('epoch_node_scores')
      .innerJoin('epochs', 'epochs.id', 'epoch_node_scores.epoch_id')
      .select(['epoch_node_scores.epoch_id', 'epoch_node_scores.penalties'])
      .where('epoch_node_scores.node_id', '=', nodeId)
      .where('epoch_node_scores.penalties', '<>', '[]')
      .orderBy('epochs.start_ms', 'desc')
      .limit(limit)
      .execute()
    return rows.flatMap((row) => (JSON.parse(row.penalties) as Penalty[]).map((penalty) => ({ epochId: row.epoch_id, kind: penalty.kind, reason: penalty.reason })))
  }

  async saveProbeResults(results: readonly ProbeResult[]): Promise<void> {
    for (let start = 0; start < results.length; start += ROWS_PER_INSERT) {
      const rows = results.slice(start, start + ROWS_PER_INSERT).map((result) => ({
        id: result.id,
        node_id: result.nodeId,
        kind: result.kind,
        at_ms: result.atMs,
        outcome: result.outcome,
        measurements: JSON.stringify(result.measurements),
        reason: result.reason,
      }))
      await this.#db.insertInto('probe_results').values(rows).onConflict((conflict) => conflict.column('id').doNothing()).execute()
    }
  }

  async listProbeResults(nodeId: string, fromMs: number, toMs: number): Promise<readonly ProbeResult[]> {
    const rows = await this.#db
      .selectFrom('probe_results')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('at_ms', '>=', fromMs)
      .where('at_ms', '<', toMs)
      .orderBy('at_ms')
      .orderBy('id')
      .execute()
    return rows.map(toProbeResult)
  }

  loadEpochEvidence(startMs: number, endMs: number): Promise<EpochEvidence> {
    return readEpochEvidence(this.#db, { dialect: this.#dialect, rowsPerPage: this.#rowsPerPage }, startMs, endMs)
  }
}

interface EpochRow {
  id: string
  start_ms: number | string
  end_ms: number | string
  emission: string
  emitted: string
  usage_paid: string
  nodes_rewarded: number
  claimed_at: number | string
  closed_at: number | string | null
}

function toEpochSummary(row: EpochRow): EpochSummary {
  return {
    id: row.id,
    startMs: Number(row.start_ms),
    endMs: Number(row.end_ms),
    emission: BigInt(row.emission),
    emitted: BigInt(row.emitted),
    usagePaid: BigInt(row.usage_paid),
    nodesRewarded: row.nodes_rewarded,
    claimedAtMs: Number(row.claimed_at),
    closedAtMs: row.closed_at === null ? null : Number(row.closed_at),
  }
}

function toPayout(row: { operator_id: string; source: string; amount: string; held_reason: string | null }): OperatorPayout {
  return {
    operatorId: row.operator_id as AccountId,
    source: row.source === 'usage' ? 'usage' : 'emission',
    amount: BigInt(row.amount),
    heldReason: row.held_reason,
  }
}

function toProbeResult(row: { id: string; node_id: string; kind: string; at_ms: number | string; outcome: string; measurements: string; reason: string }): ProbeResult {
  return {
    id: row.id,
    nodeId: row.node_id,
    kind: toProbeKind(row.kind),
    atMs: Number(row.at_ms),
    outcome: row.outcome === 'pass' ? 'pass' : 'fail',
    // Only this class writes the column, from a Measurements object.
    measurements: JSON.parse(row.measurements) as ProbeResult['measurements'],
    reason: row.reason,
  }
}
