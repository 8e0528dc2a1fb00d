import type { AccountId } from '@meson/protocol'
import { ZoneDirectory } from '../routing/zone-directory.ts'
import type { ZoneEntry } from '../routing/zone-directory.ts'
import type { Zone, ZoneSettings } from '../zones/zone-store.ts'

/** A zone with its settings, as the store lists them. */
export interface ZoneWithSettings {
  readonly zone: Zone
  readonly settings: ZoneSettings
  /** Set for an IPFS gateway zone (#13): its upstream trustless gateways. */
  readonly ipfsUpstreams?: readonly string[]
}

/**
 * Builds the redirector's immutable `ZoneDirectory` snapshot (zone name → origin, price,
 * buyer, balance flag, blocked countries, custom domains; custom domain → zone) from the
 * stored zones and the in-memory balance flags. Pure.
 */
export function buildZoneDirectory(zones: readonly ZoneWithSettings[], hasBalance: (accountId: AccountId) => boolean): ZoneDirectory {
  return new ZoneDirectory(zones.map(({ zone, settings, ipfsUpstreams }) => ({ ...toZoneEntry(zone, settings, hasBalance(zone.accountId)), ...(ipfsUpstreams === undefined ? {} : { type: 'ipfs' as const, upstreams: ipfsUpstreams }) })))
}

/** One zone as a directory entry. */
export function toZoneEntry(zone: Zone, settings: ZoneSettings, hasBalance: boolean): ZoneEntry {
  return {
    id: zone.id,
    name: zone.name,
    origin: zone.origin,
    pricePerGiB: zone.pricePerGiB,
    accountId: zone.accountId,
    hasBalance,
    blockedCountries: settings.blockedCountries,
    customDomains: settings.customDomains,
    allowedReferrers: settings.allowedReferrers,
  }
}

/**
 * The current directory snapshot, swapped whole when zones, settings or a buyer's balance
 * flag change (readers never see a half-built one). `refresh` reloads from the store; a
 * refresh requested while one runs is coalesced into one more run.
 */
export class LiveZoneDirectory {
  readonly #load: () => Promise<readonly ZoneWithSettings[]>
  readonly #hasBalance: (accountId: AccountId) => boolean
  #zones: readonly ZoneWithSettings[] = []
  #current: ZoneDirectory = new ZoneDirectory([])
  #running: Promise<void> | undefined
  #again = false

  constructor(load: () => Promise<readonly ZoneWithSettings[]>, hasBalance: (accountId: AccountId) => boolean) {
    this.#load = load
    this.#hasBalance = hasBalance
  }

  /** The snapshot the redirector reads (synchronous, no I/O). */
  current(): ZoneDirectory {
    return this.#current
  }

  /** Zones with settings as last loaded (for the balance cache's first load). */
  zones(): readonly ZoneWithSettings[] {
    return this.#zones
  }

  /** Rebuilds from the last loaded zones with fresh balance flags (no I/O). */
  rebuild(): void {
    this.#current = buildZoneDirectory(this.#zones, this.#hasBalance)
  }

  /** Whether a refresh was requested during the last load (and clears the request). */
  #takeAgain(): boolean {
    const again = this.#again
    this.#again = false
    return again
  }

  /** Reloads zones and settings from the store and rebuilds. */
  async refresh(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true
      return this.#running
    }
    this.#running = (async () => {
      try {
        this.#again = false
        do {
          this.#zones = await this.#load()
          this.rebuild()
        } while (this.#takeAgain())
      } finally {
        this.#running = undefined
      }
    })()
    return this.#running
  }
}
