import type { AccountId, NodeId, TicketKeyLookup, ZoneId } from '@meson/protocol'
import { buyerLedgerAccount } from '../ledger/ledger-accounts.ts'
import type { CountryUsageRow, MeteringStore, UsageQuery, UsageRow } from './metering-store.ts'
import type { ZoneStore } from '../zones/zone-store.ts'
import type { CountryLookup } from '../routing/country-lookup.ts'
import { countryOfClient } from './country-of-client.ts'
import type { Store } from '../store/store.ts'
import type { FleetStore } from '../fleet/fleet-store.ts'
import { BalanceCache } from './balance-cache.ts'
import { ingestUsageReport } from './ingest-usage-report.ts'
import type { IngestUsageResult, MeteredNode } from './ingest-usage-report.ts'
import type { MeteringMetrics } from './metering-metrics.ts'
import { RejectionCounters } from './rejection-counters.ts'
import type { RejectedLinesByReason } from './rejection-counters.ts'
import { LiveZoneDirectory } from './live-zone-directory.ts'
import type { ZoneWithSettings } from './live-zone-directory.ts'
import type { IpfsZoneStore } from '../gateway/ipfs-zone-store.ts'
import { withIpfsUpstreams } from '../gateway/with-ipfs-upstreams.ts'
import { plausibleSizeFor } from './bound-usage-by-object-size.ts'
import type { ImplausibleUsage, UsagePlausibilitySettings } from './bound-usage-by-object-size.ts'
import { ObjectBudgets } from './object-budgets.ts'
import { ObjectSizeLearner } from './learn-object-sizes.ts'

/** Default: usage is accepted up to 6 h after a ticket expired (see README, metering). */
export const DEFAULT_USAGE_GRACE_MS = 6 * 3_600_000
/** An origin's answer about an object's size is trusted this long (objects change). */
const ORIGIN_SIZE_REFRESH_MS = 3_600_000
/** Object statistics not updated for this long are pruned (the fleet's view of objects moves on). */
const OBJECT_SIZE_RETENTION_MS = 7 * 24 * 3_600_000
/** At start, implausibility flags kept with batches of the last day are delivered again. */
const FLAG_REDELIVERY_MS = 24 * 3_600_000
/** A later delivery looks this far behind the previous one (a batch's transaction may commit after its receivedAt). */
const FLAG_REDELIVERY_MARGIN_MS = 10 * 60_000

/** A batch whose usage was implausible: its node's earnings are held for the epoch. */
export interface ImplausibleUsageReport extends ImplausibleUsage {
  readonly nodeId: string
  readonly batchId: string
  readonly atMs: number
}

/** How far usage is bounded by object sizes (ADR 0012, "Usage plausibility, live"). */
export interface UsagePlausibilityOptions {
  readonly settings: UsagePlausibilitySettings
  /** Asks a zone's origin for an object's size; absent: sizes come from the fleet only. */
  readonly measureObjectSize?: (origin: string, path: string) => Promise<bigint | undefined>
  /** Stores the flag (a failed `usage` result, which the epoch close turns into a hold). */
  readonly onImplausible: (report: ImplausibleUsageReport) => Promise<void>
}

/** How long a node's key and operator are cached before they are read again. */
const NODE_CACHE_MS = 60_000

export interface MeteringOptions {
  /** Balances are read from the ledger. */
  readonly store: Store
  readonly meteringStore: MeteringStore
  /** The zones and settings the live zone directory is built from. */
  readonly zoneStore: Pick<ZoneStore, 'listZonesWithSettings'>
  /** The nodes whose usage is metered: their key and operator. */
  readonly nodes: Pick<FleetStore, 'getFleetNode'>
  readonly now?: () => number
  readonly usageGraceMs?: number
  /** Whole percent of each usage charge credited to the node's operator. */
  readonly operatorSharePercent: number
  /** How often housekeeping runs (billed tickets past expiry + grace are pruned hourly). */
  readonly flushIntervalMs: number
  /** Rejected-line counters; pass them when `metrics` reads them too. */
  readonly rejections?: RejectionCounters
  /** The coordinators' ticket key of a key id: each usage line's ticket is re-checked with it (ADR 0016). */
  readonly coordinatorKeyFor: TicketKeyLookup
  readonly metrics?: MeteringMetrics
  /** Whether a zone's custom domain is served (its owner proved control); default: every domain. */
  readonly isDomainServed?: (zoneId: ZoneId, hostname: string) => boolean
  readonly onError?: (error: unknown, task: string) => void
  /** Upstreams of IPFS gateway zones (#13); absent: every zone is a pull zone. */
  readonly ipfsZones?: IpfsZoneStore
  /** Locates tickets' clients for usage by country (#14); absent: every country is 'unknown'. */
  readonly geo?: CountryLookup
  /** Bounds usage by object sizes and flags implausible usage; absent: only ticket budgets bound it. */
  readonly plausibility?: UsagePlausibilityOptions
}

/**
 * Metering and billing, composed: usage ingestion (stateless ticket checks, ADR 0016),
 * the buyers' balance cache, rejection counters and the live zone directory. Startable:
 * `start` loads state and starts the housekeeping timer, `stop` stops it.
 */
export class Metering {
  readonly balances: BalanceCache
  readonly rejections: RejectionCounters
  /** Per-response bytes of the objects this coordinator measured at their origin: the redirector sizes ticket budgets by them. */
  readonly objectBudgets = new ObjectBudgets(100_000)
  readonly zones: LiveZoneDirectory
  /** Where ipfs zones' upstreams are kept (undefined when not wired). */
  readonly ipfsZones: IpfsZoneStore | undefined
  readonly #options: MeteringOptions
  readonly #now: () => number
  readonly #nodes = new Map<string, { readonly node: MeteredNode; readonly loadedAt: number }>()
  readonly #metrics: MeteringMetrics | undefined
  readonly #sizes: ObjectSizeLearner | undefined
  #timer: NodeJS.Timeout | undefined
  #lastDbPruneAt = 0
  /** When kept flags were last delivered (undefined before the first delivery). */
  #flagsDeliveredAt: number | undefined

  constructor(options: MeteringOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#metrics = options.metrics
    this.rejections = options.rejections ?? new RejectionCounters()
    this.balances = new BalanceCache(
      (accountId) => options.store.getBalance(buyerLedgerAccount(accountId)),
      () => {
        this.zones.rebuild()
      },
    )
    this.ipfsZones = options.ipfsZones
    const isDomainServed = options.isDomainServed
    const loadZones = async (): Promise<readonly ZoneWithSettings[]> => {
      const [zones, upstreams] = await Promise.all([options.zoneStore.listZonesWithSettings(), options.ipfsZones?.listUpstreams() ?? new Map<string, readonly string[]>()])
      // Unproven custom domains stay in the settings (the owner sees them) but never route.
      const served = isDomainServed === undefined ? zones : zones.map(({ zone, settings }) => ({ zone, settings: { ...settings, customDomains: settings.customDomains.filter((domain) => isDomainServed(zone.id, domain)) } }))
      return withIpfsUpstreams(served, upstreams)
    }
    this.zones = new LiveZoneDirectory(loadZones, (accountId) => this.balances.hasBalance(accountId))
    const measure = options.plausibility?.measureObjectSize
    const settings = options.plausibility?.settings
    this.#sizes =
      measure === undefined || settings === undefined
        ? undefined
        : new ObjectSizeLearner({
            originOf: (zone) => {
              const entry = this.zones.current().findByName(zone)
              return entry === undefined || entry.type === 'ipfs' ? undefined : entry.origin
            },
            measure,
            record: async (zone, path, sizeBytes, atMs) => {
              await options.meteringStore.recordOriginObjectSize(zone, path, sizeBytes, atMs)
              const plausible = plausibleSizeFor({ originSizeBytes: sizeBytes, nodes: [] }, '', settings)
              if (plausible !== undefined) this.objectBudgets.record(zone, path, plausible.perResponseBytes)
            },
            now: this.#now,
            refreshMs: ORIGIN_SIZE_REFRESH_MS,
            maxPerBatch: 16,
            maxRemembered: 100_000,
            onError: (error) => options.onError?.(error, 'measure object size'),
          })
  }

  /** Loads zones, buyers' balances and rejection counters; starts the flush timer. */
  async start(): Promise<void> {
    await this.zones.refresh()
    for (const accountId of new Set(this.zones.zones().map(({ zone }) => zone.accountId))) await this.balances.refresh(accountId)
    this.zones.rebuild()
    this.rejections.load(await this.#options.meteringStore.listRejectionCounts())
    await this.deliverKeptFlags()
    this.#timer = setInterval(() => {
      void this.#tick()
    }, this.#options.flushIntervalMs)
    this.#timer.unref()
  }

  /**
   * Delivers again the implausibility flags kept with their usage batches since the last
   * delivery (at start: of the last day). A flag is kept in the batch's own transaction
   * and delivered right after its commit; a crash in between would otherwise lose the
   * hold (never the bound). Delivery is idempotent (`usage-<batchId>`). The rewards close
   * runs this before it closes an epoch, so a flag committed by any replica is counted.
   */
  async deliverKeptFlags(): Promise<number> {
    const report = this.#options.plausibility
    if (report === undefined) return 0
    const startedAt = this.#now()
    const since = this.#flagsDeliveredAt === undefined ? startedAt - FLAG_REDELIVERY_MS : this.#flagsDeliveredAt - FLAG_REDELIVERY_MARGIN_MS
    const batches = await this.#options.meteringStore.listImplausibleBatches(since)
    for (const batch of batches) {
      await report.onImplausible({ reason: batch.reason, measurements: batch.measurements, nodeId: batch.nodeId, batchId: batch.batchId, atMs: batch.postedAt })
    }
    this.#flagsDeliveredAt = startedAt
    return batches.length
  }

  /** Stops the timer. */
  stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    return Promise.resolve()
  }

  /** False when the buyer's credit is used up (the redirector answers 402). */
  hasBalance(accountId: AccountId): boolean {
    return this.balances.hasBalance(accountId)
  }

  /** Rejected usage lines of a node by reason (for `GET /v1/nodes`). */
  rejectedLinesOf(nodeId: string): RejectedLinesByReason {
    return this.rejections.countsOf(nodeId)
  }

  /** Call after a zone was created, deleted or changed. */
  /**
   * Forgets what was learned of a deleted zone's objects — the stored sizes and
   * statistics (every replica bounds usage by those), this replica's ticket budgets and
   * when it last measured them — so a new zone that takes the name is judged by its own
   * objects, not the old zone's. Another replica's in-memory budgets of the name stay
   * until it forgets them (they only size tickets; the bound reads the store).
   */
  async forgetZoneObjects(zone: string): Promise<void> {
    this.objectBudgets.forgetZone(zone)
    this.#sizes?.forgetZone(zone)
    await this.#options.meteringStore.forgetObjectSizes(zone)
  }

  async zonesChanged(): Promise<void> {
    await this.zones.refresh()
    // A new buyer's balance is read before their zone can be used for free.
    for (const { zone } of this.zones.zones()) {
      if (this.balances.balanceOf(zone.accountId) === undefined) await this.balances.refresh(zone.accountId)
    }
  }

  /** Call after a buyer's balance changed outside metering (a credit). */
  async balanceChanged(accountId: AccountId): Promise<void> {
    await this.balances.refresh(accountId)
  }

  /** Hourly usage rows (`GET /v1/usage`). */
  listUsage(query: UsageQuery): Promise<readonly UsageRow[]> {
    return this.#options.meteringStore.listUsage(query)
  }

  /** Hourly usage by client country (`GET /v1/usage` rows' `byCountry`). */
  listUsageByCountry(query: UsageQuery): Promise<readonly CountryUsageRow[]> {
    return this.#options.meteringStore.listUsageByCountry(query)
  }

  /** `POST /v1/nodes/usage`. */
  async ingestUsage(body: unknown): Promise<IngestUsageResult> {
    const geo = this.#options.geo
    const result = await ingestUsageReport(body, {
      meteringStore: this.#options.meteringStore,
      coordinatorKeyFor: this.#options.coordinatorKeyFor,
      findNode: (nodeId) => this.#findNode(nodeId),
      now: this.#now,
      usageGraceMs: this.#options.usageGraceMs ?? DEFAULT_USAGE_GRACE_MS,
      operatorSharePercent: this.#options.operatorSharePercent,
      ...(geo === undefined ? {} : { countryOf: (client: string) => countryOfClient(client, geo) }),
      ...(this.#options.plausibility === undefined ? {} : { plausibility: this.#options.plausibility.settings }),
      ...(this.#sizes === undefined ? {} : { learnObjectSizes: (tickets) => this.#sizes?.learn(tickets) ?? Promise.resolve() }),
      onApplied: async (nodeId, plan) => {
        this.rejections.record(nodeId, plan.rejections)
        for (const accountId of new Set(plan.charges.map((charge) => charge.zone.accountId))) await this.balances.refresh(accountId)
      },
    })
    if (result.kind === 'applied') {
      this.#metrics?.observeBatch('applied', result.acceptedBytes)
      const report = this.#options.plausibility
      if (result.implausible !== undefined && report !== undefined) {
        // After the commit: the excess is already unbilled; a crash here loses only the hold.
        await report.onImplausible({ ...result.implausible, nodeId: result.nodeId, batchId: result.batchId, atMs: result.postedAt })
      }
    } else this.#metrics?.observeBatch(result.kind === 'duplicate' ? 'duplicate' : 'refused')
    return result
  }

  async #findNode(nodeId: string): Promise<MeteredNode | undefined> {
    const cached = this.#nodes.get(nodeId)
    if (cached !== undefined && this.#now() - cached.loadedAt < NODE_CACHE_MS) return cached.node
    // The protocol's schema checked nodeId's format; the store decides whether it exists.
    const record = await this.#options.nodes.getFleetNode(nodeId as NodeId)
    if (record === undefined) return undefined
    const node = { publicKey: record.publicKey, operatorId: record.operatorId }
    this.#nodes.set(nodeId, { node, loadedAt: this.#now() })
    return node
  }

  async #tick(): Promise<void> {
    const now = this.#now()
    const graceMs = this.#options.usageGraceMs ?? DEFAULT_USAGE_GRACE_MS
    try {
      // Rows past expiry + grace can never be accepted again; prune them hourly.
      if (now - this.#lastDbPruneAt >= 3_600_000) {
        this.#lastDbPruneAt = now
        await this.#options.meteringStore.pruneIssuedTickets(now - graceMs)
        if (this.#options.plausibility !== undefined) await this.#options.meteringStore.pruneObjectSizes(now - OBJECT_SIZE_RETENTION_MS)
      }
    } catch (error) {
      this.#options.onError?.(error, 'prune billed tickets')
    }
  }
}
