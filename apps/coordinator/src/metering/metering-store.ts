import type { AccountId, UsageLine, ZoneId } from '@meson/protocol'
import type { HourlyUsage } from './build-usage-charges.ts'
import type { ImplausibleUsage, ObjectSizeEvidence, ObjectUsage } from './bound-usage-by-object-size.ts'
import type { IssuedTicket, IssuedTicketState } from './issued-ticket.ts'
import type { UsageRejection, UsageRejectionReason } from './usage-rejection.ts'
import type { ZoneBilling } from './zone-billing.ts'
import type { LedgerTransactionInput } from '../store/store.ts'

/**
 * The metering port: billed tickets (ADR 0016), usage batches, usage aggregates and rejection
 * counters (zone settings belong to `zones/zone-store.ts`). One kysely implementation over SQLite and PostgreSQL shares the
 * main store's database (the ledger), so a batch and its charges commit together; the
 * compliance suite `metering-store.contract.ts` runs against both.
 */

/** What a usage batch changes, decided by pure code from what the store loaded. */
export interface UsageBatchPlan {
  /** New accepted-bytes totals of tickets (each ≤ the ticket's budget). */
  readonly ticketUpdates: readonly { readonly nonce: string; readonly acceptedBytes: bigint }[]
  readonly transactions: readonly LedgerTransactionInput[]
  readonly hourly: readonly HourlyUsage[]
  readonly rejections: readonly UsageRejection[]
  readonly acceptedLines: number
  readonly acceptedBytes: bigint
  /** Billed bytes and responses per object, added to the node's object statistics. */
  readonly objectUsage: readonly ObjectUsage[]
  /** Why the batch is implausible, kept with the batch in its transaction; undefined if it is not. */
  readonly implausible: ImplausibleUsage | undefined
}

/** A stored batch that was implausible: its flag, as kept with the batch. */
export interface ImplausibleBatch extends ImplausibleUsage {
  readonly batchId: string
  readonly nodeId: string
  readonly receivedAt: number
  /** When its ledger entries were posted: the flag holds the earnings of that epoch. */
  readonly postedAt: number
}

/** What the store loaded for a batch, inside its transaction. */
export interface UsageBatchContext {
  /** Issued tickets named by the batch's lines, by nonce (missing ones are absent). */
  readonly tickets: ReadonlyMap<string, IssuedTicketState>
  /** The zones of those tickets that exist, by name. */
  readonly zones: ReadonlyMap<string, ZoneBilling>
  /**
   * What is known of the size of each object named by a (non-prefix) loaded ticket, by
   * `objectKeyOf(zone, path)`; objects nothing is known of are absent.
   */
  readonly objects: ReadonlyMap<string, ObjectSizeEvidence>
}

export interface ApplyUsageBatchInput<P extends UsageBatchPlan> {
  readonly batchId: string
  readonly nodeId: string
  readonly receivedAt: number
  readonly lines: readonly UsageLine[]
  /**
   * The tickets of the lines that passed every stateless check (their coordinator tag,
   * node, zone, expiry): stored if new, inside the transaction, so their budget and
   * once-only checks see every earlier batch (ADR 0016). Nothing is stored at issue time.
   */
  readonly billableTickets: readonly IssuedTicket[]
  /** Called once inside the transaction; must be pure (it may run again on a retry). */
  readonly plan: (context: UsageBatchContext) => P
}

export type ApplyUsageBatchResult<P> =
  /** `postedAt`: the time the batch's ledger entries carry (the epoch its earnings belong to). */
  | { readonly status: 'applied'; readonly plan: P; readonly postedAt: number }
  /** The batch id was applied before; nothing changed. */
  | { readonly status: 'duplicate' }

/** Usage of a zone in one UTC hour by one node. */
export interface UsageRow {
  readonly zoneId: ZoneId
  readonly zoneName: string
  readonly hourStart: number
  readonly nodeId: string
  readonly bytes: bigint
  readonly cost: bigint
  /** Responses served (0 for usage of nodes that send no count, and before migration 0060). */
  readonly requests: number
}

/** Usage of a zone in one UTC hour by one node that went to clients in one country. */
export interface CountryUsageRow {
  readonly zoneId: ZoneId
  readonly zoneName: string
  readonly hourStart: number
  readonly nodeId: string
  /** ISO 3166-1 alpha-2 code, 'local', or 'unknown'. */
  readonly country: string
  readonly bytes: bigint
  readonly requests: number
}

export interface UsageQuery {
  /** Only zones of this buyer. */
  readonly accountId?: AccountId
  /** Only nodes of this operator. */
  readonly operatorId?: AccountId
  readonly zoneName?: string
  /** Inclusive lower bound of the hour start, ms. */
  readonly fromMs: number
  /** Exclusive upper bound of the hour start, ms. */
  readonly toMs: number
}

export interface RejectionCount {
  readonly nodeId: string
  readonly reason: UsageRejectionReason
  readonly lines: number
}

export interface MeteringStore {
  /** Deletes tickets that expired before `expiredBefore` (ms); returns how many. */
  pruneIssuedTickets(expiredBefore: number): Promise<number>
  /**
   * Applies a usage batch in one database transaction: claims the batch id, loads the
   * tickets and zones, runs `plan`, and writes ticket totals, ledger transactions,
   * hourly usage and rejection counters. A failure anywhere rolls all of it back.
   */
  applyUsageBatch<P extends UsageBatchPlan>(input: ApplyUsageBatchInput<P>): Promise<ApplyUsageBatchResult<P>>
  /** Records the size the coordinator measured at a zone's origin for one object (replaces an older one). */
  recordOriginObjectSize(zone: string, path: string, sizeBytes: bigint, atMs: number): Promise<void>
  /** Deletes object statistics and sizes last updated before `before` (ms); returns how many. */
  pruneObjectSizes(before: number): Promise<number>
  /**
   * Deletes every object statistic and size of zone `zone` (by name): a deleted zone's
   * name can be taken again by a new zone whose objects differ. Returns how many.
   */
  forgetObjectSizes(zone: string): Promise<number>
  /** Hourly usage rows matching the query, ordered by hour, zone, node. */
  listUsage(query: UsageQuery): Promise<readonly UsageRow[]>
  /** Hourly usage by client country matching the query, ordered by hour, zone, node, country. */
  listUsageByCountry(query: UsageQuery): Promise<readonly CountryUsageRow[]>
  /** Rejected-line counters, of the given nodes or of all. */
  listRejectionCounts(nodeIds?: readonly string[]): Promise<readonly RejectionCount[]>
  /** Implausible batches received at or after `sinceMs`, oldest first (their flags are delivered again at start). */
  listImplausibleBatches(sinceMs: number): Promise<readonly ImplausibleBatch[]>
}
