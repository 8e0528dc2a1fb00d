import { newZoneId } from '@meson/protocol'
import type { AccountId, ZoneId } from '@meson/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { CreateZoneResult, UpdateZoneSettingsResult, Zone, ZoneSettings, ZoneSettingsPatch, ZoneStore } from '../../zones/zone-store.ts'
import { StoreError } from '../../store/store-error.ts'
import { isForeignKeyViolation } from './database-errors.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { toZone } from './map-rows.ts'
import { isStorableMoney } from './storable-money.ts'

/**
 * The `ZoneStore` over kysely, and the one writer of `zones` (price included),
 * `zone_settings` and `zone_domains` (ADR 0008, "one owner per table";
 * `kysely-zone-store-owner.test.ts` fails if another coordinator source writes them).
 * The storable price bounds are checked here only. Everything else only reads these tables
 * (the usage batch reads a zone's price inside its own transaction).
 */

// Type aliases, not interfaces: `$extendTables` wants Record-compatible types.
/** `zone_settings` (migration 0003). */
type ZoneSettingsTable = {
  zone_id: string
  /** JSON array of strings. */
  allowed_referrers: string
  /** JSON array of ISO 3166-1 alpha-2 codes. */
  blocked_countries: string
}

/** `zone_domains` (migration 0003): the primary key on `hostname` gives a domain one zone. */
type ZoneDomainsTable = {
  hostname: string
  zone_id: string
}

type Schema = DatabaseSchema & { zone_settings: ZoneSettingsTable; zone_domains: ZoneDomainsTable }

export class KyselyZoneStore implements ZoneStore {
  readonly #db: Kysely<Schema>
  readonly #now: () => Date

  constructor(db: Kysely<DatabaseSchema>, options: { readonly now: () => Date }) {
    this.#db = db.$extendTables<{ zone_settings: ZoneSettingsTable; zone_domains: ZoneDomainsTable }>()
    this.#now = options.now
  }

  async createZone(input: { accountId: AccountId; name: string; origin: string; pricePerGiB: bigint }): Promise<CreateZoneResult> {
    checkStorablePrice(input.pricePerGiB)
    const row = { id: newZoneId(), account_id: input.accountId, name: input.name, origin: input.origin, price_per_gib: input.pricePerGiB.toString(), created_at: this.#now().getTime() }
    let inserted: { readonly id: string } | undefined
    try {
      // The UNIQUE(name) constraint decides between two racing creators.
      inserted = await this.#db
        .insertInto('zones')
        .values(row)
        .onConflict((conflict) => conflict.column('name').doNothing())
        .returning('id')
        .executeTakeFirst()
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError('ACCOUNT_NOT_FOUND', 'The account does not exist.', { details: `account ${input.accountId}`, cause: error })
      }
      throw error
    }
    return inserted === undefined ? { status: 'name-taken' } : { status: 'created', zone: toZone(row) }
  }

  async getZoneByName(name: string): Promise<Zone | undefined> {
    const row = await this.#db.selectFrom('zones').selectAll().where('name', '=', name).executeTakeFirst()
    return row === undefined ? undefined : toZone(row)
  }

  async listZones(accountId: AccountId): Promise<readonly Zone[]> {
    const rows = await this.#db.selectFrom('zones').selectAll().where('account_id', '=', accountId).orderBy('name').execute()
    return rows.map(toZone)
  }

  /** Its `zone_settings` and `zone_domains` rows go with it (ON DELETE CASCADE, migration 0003). */
  async deleteZone(accountId: AccountId, name: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('zones').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  getZoneSettings(zoneId: ZoneId): Promise<ZoneSettings> {
    return readZoneSettings(this.#db, zoneId)
  }

  async updateZoneSettings(accountId: AccountId, zoneName: string, patch: ZoneSettingsPatch): Promise<UpdateZoneSettingsResult> {
    return this.#db
      .transaction()
      .execute(async (trx): Promise<UpdateZoneSettingsResult> => {
        // The price is written first (even a no-op update takes SQLite's write lock before any read).
        const zone = await updateZonePrice(trx, accountId, zoneName, patch.pricePerGiB)
        if (zone === undefined) return { status: 'zone-not-found' }
        if (patch.allowedReferrers !== undefined || patch.blockedCountries !== undefined) {
          const current = await readZoneSettings(trx, zone.id)
          const row = {
            zone_id: zone.id,
            allowed_referrers: JSON.stringify(patch.allowedReferrers ?? current.allowedReferrers),
            blocked_countries: JSON.stringify(patch.blockedCountries ?? current.blockedCountries),
          }
          await trx
            .insertInto('zone_settings')
            .values(row)
            .onConflict((conflict) => conflict.column('zone_id').doUpdateSet({ allowed_referrers: row.allowed_referrers, blocked_countries: row.blocked_countries }))
            .execute()
        }
        if (patch.customDomains !== undefined) {
          await trx.deleteFrom('zone_domains').where('zone_id', '=', zone.id).execute()
          for (const hostname of patch.customDomains) {
            // The primary key decides between two zones racing for one domain.
            const inserted = await trx
              .insertInto('zone_domains')
              .values({ hostname, zone_id: zone.id })
              .onConflict((conflict) => conflict.column('hostname').doNothing())
              .returning('hostname')
              .executeTakeFirst()
            if (inserted === undefined) throw new DomainTaken(hostname)
          }
        }
        return { status: 'updated', zone, settings: await readZoneSettings(trx, zone.id) }
      })
      .catch((error: unknown) => {
        // Thrown to roll back the whole patch; answered as a result.
        if (error instanceof DomainTaken) return { status: 'domain-taken', hostname: error.hostname }
        throw error
      })
  }

  async listZonesWithSettings(): Promise<readonly { readonly zone: Zone; readonly settings: ZoneSettings }[]> {
    const zones = await this.#db.selectFrom('zones').selectAll().orderBy('name').execute()
    const settings = await this.#db.selectFrom('zone_settings').selectAll().execute()
    const domains = await this.#db.selectFrom('zone_domains').selectAll().orderBy('hostname').execute()
    const settingsByZone = new Map(settings.map((row) => [row.zone_id, row]))
    const domainsByZone = new Map<string, string[]>()
    for (const row of domains) domainsByZone.set(row.zone_id, [...(domainsByZone.get(row.zone_id) ?? []), row.hostname])
    return zones.map((row) => {
      const stored = settingsByZone.get(row.id)
      return {
        zone: toZone(row),
        settings: {
          allowedReferrers: stored === undefined ? [] : parseStringArray(stored.allowed_referrers),
          blockedCountries: stored === undefined ? [] : parseStringArray(stored.blocked_countries),
          customDomains: domainsByZone.get(row.id) ?? [],
        },
      }
    })
  }
}

/** Throws `AMOUNT_OUT_OF_RANGE` unless the price is storable money, 0 or more (the network's own bounds are `zones/check-zone-price.ts`). */
function checkStorablePrice(pricePerGiB: bigint): void {
  if (pricePerGiB < 0n || !isStorableMoney(pricePerGiB)) {
    throw new StoreError('AMOUNT_OUT_OF_RANGE', 'A zone price must be between 0 and 10^78 - 1 base units per GiB.')
  }
}

/**
 * Sets the price of a zone the account owns, inside the settings transaction (unchanged when `pricePerGiB` is
 * undefined: the no-op update still takes SQLite's write lock before the caller reads). The zone after the
 * update, or undefined when the account has no zone of that name.
 */
async function updateZonePrice(trx: Transaction<Schema>, accountId: AccountId, zoneName: string, pricePerGiB: bigint | undefined): Promise<Zone | undefined> {
  if (pricePerGiB !== undefined) checkStorablePrice(pricePerGiB)
  const update = trx.updateTable('zones').where('account_id', '=', accountId).where('name', '=', zoneName)
  const updated = await (pricePerGiB === undefined ? update.set((eb) => ({ price_per_gib: eb.ref('price_per_gib') })) : update.set({ price_per_gib: pricePerGiB.toString() }))
    .returningAll()
    .executeTakeFirst()
  return updated === undefined ? undefined : toZone(updated)
}

/** The settings of one zone (empty lists when none were set). */
async function readZoneSettings(db: Kysely<Schema>, zoneId: string): Promise<ZoneSettings> {
  const stored = await db.selectFrom('zone_settings').selectAll().where('zone_id', '=', zoneId).executeTakeFirst()
  const domains = await db.selectFrom('zone_domains').select('hostname').where('zone_id', '=', zoneId).orderBy('hostname').execute()
  return {
    allowedReferrers: stored === undefined ? [] : parseStringArray(stored.allowed_referrers),
    blockedCountries: stored === undefined ? [] : parseStringArray(stored.blocked_countries),
    customDomains: domains.map((row) => row.hostname),
  }
}

/** Thrown inside the settings transaction to roll it back when a domain is taken. */
class DomainTaken extends Error {
  readonly hostname: string
  constructor(hostname: string) {
    super(`custom domain ${hostname} is taken`)
    this.hostname = hostname
  }
}

function parseStringArray(json: string): string[] {
  const value: unknown = JSON.parse(json)
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}
