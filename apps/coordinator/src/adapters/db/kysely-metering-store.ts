import type { AccountId, ZoneId } from '@meson/protocol'
import { sql } from 'kysely'
import type { Kysely, Transaction } from 'kysely'
import type { IssuedTicket, IssuedTicketState } from '../../metering/issued-ticket.ts'
import type { UsageRejectionReason } from '../../metering/usage-rejection.ts'
import type { ZoneBilling } from '../../metering/zone-billing.ts'
import type {
  ApplyUsageBatchInput,
  ApplyUsageBatchResult,
  CountryUsageRow,
  ImplausibleBatch,
  MeteringStore,
  RejectionCount,
  UsageBatchPlan,
  UsageQuery,
  UsageRow,
} from '../../metering/metering-store.ts'
import { postLedgerTransaction } from './post-ledger-transaction.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { MeteringDatabaseSchema } from './metering-database-schema.ts'
import type { SqlDialect } from './sql-dialect.ts'
import { addObjectUsage, deleteObjectSizes, loadObjectSizes, recordOriginObjectSize } from './object-size-rows.ts'
import { implausibleColumn, listImplausibleBatches } from './usage-batch-flags.ts'
import { addHourlyUsage } from './usage-hourly-rows.ts'

type Schema = DatabaseSchema & MeteringDatabaseSchema
/** Parameters per `IN (...)` list: well under SQLite's and PostgreSQL's limits. */
const IN_CHUNK = 500

export interface KyselyMeteringStoreOptions {
  readonly dialect: SqlDialect
  readonly now: () => Date
  /**
   * Test hook: runs inside the usage batch transaction just before it commits; throwing
   * rolls the batch back (used to prove a crash between steps cannot double-charge).
   */
  readonly beforeUsageCommit?: () => void
}

/**
 * The `MeteringStore` over kysely, sharing the main store's database so that a usage
 * batch, its ledger transactions and its aggregates commit together.
 */
export class KyselyMeteringStore implements MeteringStore {
  readonly #db: Kysely<Schema>
  readonly #dialect: SqlDialect
  readonly #now: () => Date
  readonly #beforeUsageCommit: (() => void) | undefined

  constructor(db: Kysely<DatabaseSchema>, options: KyselyMeteringStoreOptions) {
    this.#db = db.$extendTables<MeteringDatabaseSchema>()
    this.#dialect = options.dialect
    this.#now = options.now
    this.#beforeUsageCommit = options.beforeUsageCommit
  }

  async pruneIssuedTickets(expiredBefore: number): Promise<number> {
    const result = await this.#db.deleteFrom('issued_tickets').where('expires_at', '<', expiredBefore).executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async applyUsageBatch<P extends UsageBatchPlan>(input: ApplyUsageBatchInput<P>): Promise<ApplyUsageBatchResult<P>> {
    return this.#db.transaction().execute(async (trx): Promise<ApplyUsageBatchResult<P>> => {
      // Claiming the batch id is the first write: a racing duplicate waits on the
      // primary key (PostgreSQL) or the write lock (SQLite), then finds it taken.
      const claimed = await trx
        .insertInto('usage_batches')
        .values({ batch_id: input.batchId, node_id: input.nodeId, received_at: input.receivedAt, accepted_lines: 0, rejected_lines: 0, accepted_bytes: '0' })
        .onConflict((conflict) => conflict.column('batch_id').doNothing())
        .returning('batch_id')
        .executeTakeFirst()
      if (claimed === undefined) return { status: 'duplicate' }

      await this.#insertTickets(trx, input.billableTickets)
      const tickets = await this.#loadTickets(trx, input.lines.map((line) => line.ticketId))
      const zones = await this.#loadZones(trx, [...new Set([...tickets.values()].map((ticket) => ticket.zone))])
      const objects = await loadObjectSizes(trx, [...tickets.values()].filter((ticket) => !ticket.prefix))
      const plan = input.plan({ tickets, zones, objects })

      for (const update of plan.ticketUpdates) {
        await trx.updateTable('issued_tickets').set({ accepted_bytes: update.acceptedBytes.toString() }).where('nonce', '=', update.nonce).execute()
      }
      const postedAt = this.#now().getTime()
      for (const transaction of plan.transactions) await postLedgerTransaction(trx, transaction, postedAt)
      for (const usage of plan.hourly) await addHourlyUsage(trx, this.#dialect, usage)
      for (const usage of plan.objectUsage) await addObjectUsage(trx, input.nodeId, usage, input.receivedAt)
      await this.#countRejections(trx, input.nodeId, plan)
      await trx
        .updateTable('usage_batches')
        .set({
          accepted_lines: plan.acceptedLines,
          rejected_lines: plan.rejections.length,
          accepted_bytes: plan.acceptedBytes.toString(),
          implausible: implausibleColumn(plan.implausible, postedAt),
        })
        .where('batch_id', '=', input.batchId)
        .execute()
      this.#beforeUsageCommit?.()
      return { status: 'applied', plan, postedAt }
    })
  }

  recordOriginObjectSize(zone: string, path: string, sizeBytes: bigint, atMs: number): Promise<void> {
    return recordOriginObjectSize(this.#db, zone, path, sizeBytes, atMs)
  }

  forgetObjectSizes(zone: string): Promise<number> {
    return deleteObjectSizes(this.#db, { zone })
  }

  pruneObjectSizes(before: number): Promise<number> {
    return deleteObjectSizes(this.#db, { updatedBefore: before })
  }

  async listUsage(query: UsageQuery): Promise<readonly UsageRow[]> {
    let select = this.#db
      .selectFrom('usage_hourly')
      .select(['zone_id', 'zone_name', 'hour_start', 'node_id', 'cost', 'requests'])
      .select(sql<string>`cast(bytes as text)`.as('bytes_text'))
      .where('hour_start', '>=', query.fromMs)
      .where('hour_start', '<', query.toMs)
    if (query.accountId !== undefined) select = select.where('account_id', '=', query.accountId)
    if (query.operatorId !== undefined) select = select.where('operator_id', '=', query.operatorId)
    if (query.zoneName !== undefined) select = select.where('zone_name', '=', query.zoneName)
    const rows = await select.orderBy('hour_start').orderBy('zone_name').orderBy('node_id').execute()
    return rows.map((row) => ({
      zoneId: row.zone_id as ZoneId,
      zoneName: row.zone_name,
      hourStart: Number(row.hour_start),
      nodeId: row.node_id,
      bytes: BigInt(row.bytes_text),
      cost: BigInt(row.cost),
      requests: Number(row.requests),
    }))
  }

  async listUsageByCountry(query: UsageQuery): Promise<readonly CountryUsageRow[]> {
    let select = this.#db
      .selectFrom('usage_hourly_country')
      .select(['zone_id', 'zone_name', 'hour_start', 'node_id', 'country', 'requests'])
      .select(sql<string>`cast(bytes as text)`.as('bytes_text'))
      .where('hour_start', '>=', query.fromMs)
      .where('hour_start', '<', query.toMs)
    if (query.accountId !== undefined) select = select.where('account_id', '=', query.accountId)
    if (query.operatorId !== undefined) select = select.where('operator_id', '=', query.operatorId)
    if (query.zoneName !== undefined) select = select.where('zone_name', '=', query.zoneName)
    const rows = await select.orderBy('hour_start').orderBy('zone_name').orderBy('node_id').orderBy('country').execute()
    return rows.map((row) => ({
      zoneId: row.zone_id as ZoneId,
      zoneName: row.zone_name,
      hourStart: Number(row.hour_start),
      nodeId: row.node_id,
      country: row.country,
      bytes: BigInt(row.bytes_text),
      requests: Number(row.requests),
    }))
  }

  listImplausibleBatches(sinceMs: number): Promise<readonly ImplausibleBatch[]> {
    return listImplausibleBatches(this.#db, sinceMs)
  }

  async listRejectionCounts(nodeIds?: readonly string[]): Promise<readonly RejectionCount[]> {
    if (nodeIds?.length === 0) return []
    let select = this.#db.selectFrom('usage_rejections').select(['node_id', 'reason', 'lines'])
    if (nodeIds !== undefined) select = select.where('node_id', 'in', nodeIds)
    const rows = await select.orderBy('node_id').orderBy('reason').execute()
    // Only this layer writes `reason`, always from USAGE_REJECTION_REASONS.
    return rows.map((row) => ({ nodeId: row.node_id, reason: row.reason as UsageRejectionReason, lines: Number(row.lines) }))
  }

  /**
   * Stores the billable tickets of a batch, inside its transaction, before they are
   * locked and read: a nonce stored before is left alone. A row exists only for a ticket
   * some node reported usage on (ADR 0016), never per redirect; the unique nonce is what
   * makes a ticket bill once, across batches and replicas (a racing insert of the same
   * nonce waits on the primary key, then reads the winner's row).
   */
  async #insertTickets(trx: Transaction<Schema>, tickets: readonly IssuedTicket[]): Promise<void> {
    for (let start = 0; start < tickets.length; start += IN_CHUNK / 10) {
      const rows = tickets.slice(start, start + IN_CHUNK / 10).map((ticket) => ({
        nonce: ticket.nonce,
        node_id: ticket.nodeId,
        zone: ticket.zone,
        zone_id: ticket.zoneId ?? null,
        path: ticket.path,
        prefix: ticket.prefix ? 1 : 0,
        client: ticket.client,
        issued_at: ticket.issuedAt,
        expires_at: ticket.expiresAt,
        byte_budget: ticket.byteBudget.toString(),
      }))
      await trx
        .insertInto('issued_tickets')
        .values(rows)
        .onConflict((conflict) => conflict.column('nonce').doNothing())
        .execute()
    }
  }

  async #loadTickets(trx: Transaction<Schema>, nonces: readonly string[]): Promise<Map<string, IssuedTicketState>> {
    const tickets = new Map<string, IssuedTicketState>()
    for (let start = 0; start < nonces.length; start += IN_CHUNK) {
      let select = trx
        .selectFrom('issued_tickets')
        .select(['nonce', 'node_id', 'zone', 'zone_id', 'path', 'prefix', 'client', 'issued_at', 'expires_at'])
        .select([sql<string>`cast(byte_budget as text)`.as('budget_text'), sql<string>`cast(accepted_bytes as text)`.as('accepted_text')])
        .where('nonce', 'in', nonces.slice(start, start + IN_CHUNK))
      // Two batches naming one ticket must not both read the old total (PostgreSQL's
      // READ COMMITTED would let them); SQLite's single writer already serializes them.
      if (this.#dialect === 'postgres') select = select.forUpdate()
      for (const row of await select.execute()) {
        tickets.set(row.nonce, {
          nonce: row.nonce,
          nodeId: row.node_id,
          zone: row.zone,
          ...(row.zone_id === null ? {} : { zoneId: row.zone_id }),
          path: row.path,
          prefix: row.prefix === 1,
          client: row.client,
          issuedAt: Number(row.issued_at),
          expiresAt: Number(row.expires_at),
          byteBudget: BigInt(row.budget_text),
          acceptedBytes: BigInt(row.accepted_text),
        })
      }
    }
    return tickets
  }

  async #loadZones(trx: Transaction<Schema>, names: readonly string[]): Promise<Map<string, ZoneBilling>> {
    const zones = new Map<string, ZoneBilling>()
    for (let start = 0; start < names.length; start += IN_CHUNK) {
      const rows = await trx
        .selectFrom('zones')
        .select(['id', 'name', 'account_id', 'price_per_gib'])
        .where('name', 'in', names.slice(start, start + IN_CHUNK))
        .execute()
      for (const row of rows) {
        zones.set(row.name, { zoneId: row.id as ZoneId, name: row.name, accountId: row.account_id as AccountId, pricePerGiB: BigInt(row.price_per_gib) })
      }
    }
    return zones
  }

  async #countRejections(trx: Transaction<Schema>, nodeId: string, plan: UsageBatchPlan): Promise<void> {
    const linesByReason = new Map<string, number>()
    for (const rejection of plan.rejections) linesByReason.set(rejection.reason, (linesByReason.get(rejection.reason) ?? 0) + 1)
    for (const [reason, lines] of linesByReason) {
      await trx
        .insertInto('usage_rejections')
        .values({ node_id: nodeId, reason, lines })
        .onConflict((conflict) => conflict.columns(['node_id', 'reason']).doUpdateSet({ lines: sql<number>`usage_rejections.lines + excluded.lines` }))
        .execute()
    }
  }
}
