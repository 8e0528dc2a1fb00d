import type { AccountId, ZoneId } from '@meson/protocol'

/**
 * The zones port: the only writer of `zones` (price included), `zone_settings` and
 * `zone_domains` (ADR 0008, "one owner per table"). One kysely implementation serves
 * SQLite and PostgreSQL; the compliance suite `zone-store.contract.ts` runs against both.
 * Prices are bigint base units per GiB; nothing here is ever a float.
 */

export interface Zone {
  readonly id: ZoneId
  readonly accountId: AccountId
  /** DNS label, unique across the network. */
  readonly name: string
  /** Absolute http(s) URL of the buyer's origin. */
  readonly origin: string
  /** Price charged to the buyer, token base units per GiB. */
  readonly pricePerGiB: bigint
  readonly createdAt: Date
}

export type CreateZoneResult =
  | { readonly status: 'created'; readonly zone: Zone }
  | { readonly status: 'name-taken' }

export interface ZoneSettings {
  readonly allowedReferrers: readonly string[]
  readonly blockedCountries: readonly string[]
  readonly customDomains: readonly string[]
}

export interface ZoneSettingsPatch {
  readonly pricePerGiB?: bigint
  readonly allowedReferrers?: readonly string[]
  readonly blockedCountries?: readonly string[]
  readonly customDomains?: readonly string[]
}

export type UpdateZoneSettingsResult =
  | { readonly status: 'updated'; readonly zone: Zone; readonly settings: ZoneSettings }
  | { readonly status: 'zone-not-found' }
  /** A custom domain already belongs to another zone; nothing changed. */
  | { readonly status: 'domain-taken'; readonly hostname: string }

/** Storage port of zones and their settings. All methods are safe to call concurrently. */
export interface ZoneStore {
  /**
   * Creates a zone unless its name is taken (by any account). Throws a StoreError with
   * code `ACCOUNT_NOT_FOUND` for an unknown account, `AMOUNT_OUT_OF_RANGE` for a price
   * below 0 or beyond 78 digits.
   */
  createZone(input: { accountId: AccountId; name: string; origin: string; pricePerGiB: bigint }): Promise<CreateZoneResult>
  getZoneByName(name: string): Promise<Zone | undefined>
  /** Zones of one account, ordered by name. */
  listZones(accountId: AccountId): Promise<readonly Zone[]>
  /** Deletes the zone (and its settings and domains) if that account owns it; returns whether it did. */
  deleteZone(accountId: AccountId, name: string): Promise<boolean>

  /** Settings of a zone (empty lists when none were set). */
  getZoneSettings(zoneId: ZoneId): Promise<ZoneSettings>
  /**
   * Changes the given settings of a zone the account owns, price included, in one
   * transaction; lists replace the old ones. A refused price (`AMOUNT_OUT_OF_RANGE`) or
   * a taken domain changes nothing.
   */
  updateZoneSettings(accountId: AccountId, zoneName: string, patch: ZoneSettingsPatch): Promise<UpdateZoneSettingsResult>
  /** Every zone with its settings, ordered by name (for the in-memory zone directory). */
  listZonesWithSettings(): Promise<readonly { readonly zone: Zone; readonly settings: ZoneSettings }[]>
}
