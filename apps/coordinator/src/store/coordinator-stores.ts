import type { FleetStore } from '../fleet/fleet-store.ts'
import type { MeteringStore } from '../metering/metering-store.ts'
import type { DomainVerificationStore } from '../zones/domain-verification-store.ts'
import type { ProxyStore } from '../proxy/proxy-store.ts'
import type { EarningsSource } from '../settlement/operator-earnings.ts'
import type { SettlementStore } from '../settlement/settlement-store.ts'
import type { IpfsZoneStore } from '../gateway/ipfs-zone-store.ts'
import type { StorageSegmentStore } from '../probes/storage-segment-store.ts'
import type { RewardsStore } from '../rewards/rewards-store.ts'
import type { Store } from './store.ts'
import type { ZoneStore } from '../zones/zone-store.ts'

/**
 * Every storage port of the coordinator, on one database, opened together (so usage
 * charges and their ledger rows commit in one transaction). The composition root gets
 * this set whole: there is no coordinator without a fleet or metering.
 */
export interface CoordinatorStores {
  /** Accounts, API tokens and the ledger. */
  readonly store: Store
  /** Zones, their prices, settings and custom domains. */
  readonly zones: ZoneStore
  /** Nodes, signed commands and purges. */
  readonly fleet: FleetStore
  /** Issued tickets, usage batches and aggregates. */
  readonly metering: MeteringStore
  /** Custom domains whose owners proved control. */
  readonly domains: DomainVerificationStore
  /** Proxy credentials and proxy usage. */
  readonly proxy: ProxyStore
  /** Settlements posted on chain and the deposit watcher's cursor. */
  readonly settlement: SettlementStore
  /** Operators' cumulative earnings, read from the ledger (settlement's input). */
  readonly earnings: EarningsSource
  /** The upstream gateways of ipfs zones. */
  readonly ipfsZones: IpfsZoneStore
  /** Proof-of-storage segments per node (ADR 0012 "Verified disk"). */
  readonly storageSegments: StorageSegmentStore
  /** Epochs, scores, probe results and payouts. */
  readonly rewards: RewardsStore
  /** Closes the database under all of them. */
  close(): Promise<void>
}
