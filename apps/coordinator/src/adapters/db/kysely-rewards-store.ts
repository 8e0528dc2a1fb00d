import type { AccountId } from '@meson/protocol'
import { sql } from 'kysely'
import type { Kysely, SelectQueryBuilder } from 'kysely'
import type { NodeScore, Penalty } from '../../rewards/node-score.ts'
import type { EpochClosePlan, OperatorPayout } from '../../rewards/plan-epoch-close.ts'
import type { ProbeEvidence, ProbeKind, ProbeResult } from '../../rewards/probe-result.ts'
import type { EarningsRow, EpochEvidence, EpochSummary, RewardsStore } from '../../rewards/rewards-store.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { RewardsDatabaseSchema } from './rewards-database-schema.ts'
import type { SqlDialect } from './sql-dialect.ts'
import { insertEpochScores, toNodeScore } from './epoch-score-rows.ts'
import { insertColumnRows } from './insert-column-rows.ts'
import { markEpochClosePhase } from '../../rewards/epoch-close-phases.ts'

type Schema = DatabaseSchema & RewardsDatabaseSchema
/** Rows per multi-row INSERT: 7 columns × 1 500 stays under SQLite's 32 766 bound parameters. */
const ROWS_PER_INSERT = 1500
/** Rows SQLite hands over per step of a stream. */
const ROWS_PER_READ = 10_000
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

  async loadEpochEvidence(startMs: number, endMs: number): Promise<EpochEvidence> {
    const mbps = this.#dialect === 'postgres' ? sql<number | null>`(measurements::json->>'mbps')::float8` : sql<number | null>`measurements->>'mbps'`
    const query = this.#db
      .selectFrom('probe_results')
      .select(['id', 'at_ms', 'node_id', 'kind', 'outcome', 'reason', mbps.as('mbps')])
      .where('at_ms', '>=', startMs)
      .where('at_ms', '<', endMs)
      .orderBy('at_ms')
      .orderBy('id')
    // Each row becomes a small object of the evidence's own shape (see #rowsOf); the
    // reasons repeat ("measured" a million times), so each text is kept once.
    const probes: ProbeEvidence[] = []
    const reasons = new Map<string, string>()
    const add = (row: { id: string; node_id: string; kind: string; outcome: string; reason: string; mbps: number | null }): void => {
      let reason = reasons.get(row.reason)
      if (reason === undefined) {
        reason = row.reason
        reasons.set(reason, reason)
      }
      probes.push({
        id: row.id,
        nodeId: row.node_id,
        kind: toProbeKind(row.kind),
        outcome: row.outcome === 'pass' ? 'pass' : 'fail',
        reason,
        mbps: typeof row.mbps === 'number' ? row.mbps : null,
      })
    }
    const probePages = (after: { at_ms: number | string; id: string } | undefined): typeof query =>
      // `at_ms >= last` on its own too: inside the OR it could not bound the index scan,
      // and every page would walk the window from its start.
      after === undefined
        ? query
        : query.where('at_ms', '>=', Number(after.at_ms)).where((eb) => eb.or([eb('at_ms', '>', Number(after.at_ms)), eb('id', '>', after.id)]))
    for await (const row of this.#rowsOf(query, probePages)) add(row)
    reasons.clear()
    const previousEpoch = await this.#db.selectFrom('epochs').select('id').where('start_ms', '<', startMs).orderBy('start_ms', 'desc').limit(1).executeTakeFirst()
    const previous = new Map<string, { credit: number; measuredMbps: number | null }>()
    if (previousEpoch !== undefined) {
      const rows = this.#db.selectFrom('epoch_node_scores').select(['node_id', 'credit', 'measured_mbps']).where('epoch_id', '=', previousEpoch.id).orderBy('node_id')
      const pages = (after: { node_id: string } | undefined): typeof rows => (after === undefined ? rows : rows.where('node_id', '>', after.node_id))
      for await (const row of this.#rowsOf(rows, pages)) previous.set(row.node_id, { credit: row.credit, measuredMbps: row.measured_mbps })
    }
    return { probes, previous, usageEarnings: await this.#usageEarnings(startMs, endMs) }
  }

  /**
   * A query's rows one by one, never all at once: streamed from SQLite (node:sqlite
   * builds each row as a dictionary-mode object several times the size of a plain one,
   * and a million of them held at once were most of an epoch close's memory), read from
   * PostgreSQL in pages of `rowsPerPage` by keyset (`after(lastRow)` is the query of
   * the rows after the page's last; the query is ordered by that key), as streaming
   * there needs a cursor package.
   */
  async *#rowsOf<Tables, Table extends keyof Tables, Row>(query: SelectQueryBuilder<Tables, Table, Row>, after: (lastRow: Row | undefined) => SelectQueryBuilder<Tables, Table, Row>): AsyncGenerator<Row> {
    if (this.#dialect === 'sqlite') {
      yield* query.stream(ROWS_PER_READ)
      return
    }
    let last: Row | undefined
    for (;;) {
      // kysely types an executed row as Simplify<Row>: the same shape, spelled out.
      const rows = (await after(last).limit(this.#rowsPerPage).execute()) as Row[]
      yield* rows
      if (rows.length < this.#rowsPerPage) return
      last = rows[rows.length - 1]
    }
  }

  /** Usage credited to `operator:<id>:pending` by metering (transaction kind `usage`) in the window. */
  async #usageEarnings(startMs: number, endMs: number): Promise<Map<AccountId, bigint>> {
    const base = this.#db
      .selectFrom('ledger_entries')
      .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
      .where('ledger_transactions.kind', '=', 'usage')
      .where('ledger_entries.ledger_account', 'like', 'operator:%:pending')
      .where('ledger_entries.created_at', '>=', startMs)
      .where('ledger_entries.created_at', '<', endMs)
    const earnings = new Map<AccountId, bigint>()
    const add = (account: string, amount: bigint): void => {
      const operatorId = account.slice('operator:'.length, -':pending'.length) as AccountId
      earnings.set(operatorId, (earnings.get(operatorId) ?? 0n) + amount)
    }
    if (this.#dialect === 'postgres') {
      // SUM over numeric is exact in PostgreSQL.
      const rows = await base
        .select(['ledger_entries.ledger_account', sql<string>`sum(ledger_entries.amount)`.as('total')])
        .groupBy('ledger_entries.ledger_account')
        .execute()
      for (const row of rows) add(row.ledger_account, BigInt(row.total))
      return earnings
    }
    // SQLite would SUM the TEXT money as a double; the sum is done here, exactly.
    const rows = await base.select(['ledger_entries.ledger_account', 'ledger_entries.amount']).execute()
    for (const row of rows) add(row.ledger_account, BigInt(row.amount))
    return earnings
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

const PROBE_KINDS: readonly ProbeKind[] = ['content', 'ipfs-content', 'speed', 'reachability', 'usage']

function toProbeKind(text: string): ProbeKind {
  return PROBE_KINDS.find((kind) => kind === text) ?? 'reachability'
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
