import type { AccountId, ZoneId } from '@meson/protocol'

/** What charging for a zone's bytes needs to know about the zone. */
export interface ZoneBilling {
  readonly zoneId: ZoneId
  readonly name: string
  /** The buyer who owns the zone and pays for its bytes. */
  readonly accountId: AccountId
  /** Token base units per GiB. */
  readonly pricePerGiB: bigint
}
