import type { AccountId } from '@meson/protocol'
import type { Kysely } from 'kysely'
import type { UpdateZoneSettingsResult, ZoneSettings, ZoneSettingsPatch } from '../../metering/metering-store.ts'
import type { Zone } from '../../store/store.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { toZone } from './map-rows.ts'
import type { MeteringDatabaseSchema } from './metering-database-schema.ts'
import { updateZonePrice } from './kysely-zone-store.ts'

/**
 * Zone settings over kysely (`zone_settings`, `zone_domains`): the queries behind
 * `MeteringStore`'s zone-settings methods, kept apart from usage. A zone's price is
 * changed in the same transaction but written by the zones owner, `kysely-zone-store.ts`.
 */

type Schema = DatabaseSchema & MeteringDatabaseSchema

/** The settings of one zone (empty lists when none were set). */
export async function readZoneSettings(db: Kysely<Schema>, zoneId: string): Promise<ZoneSettings> {
  const stored = await db.selectFrom('zone_settings').selectAll().where('zone_id', '=', zoneId).executeTakeFirst()
  const domains = await db.selectFrom('zone_domains').select('hostname').where('zone_id', '=', zoneId).orderBy('hostname').execute()
  return {
    allowedReferrers: stored === undefined ? [] : parseStringArray(stored.allowed_referrers),
    blockedCountries: stored === undefined ? [] : parseStringArray(stored.blocked_countries),
    customDomains: domains.map((row) => row.hostname),
  }
}

/** Changes the given settings of a zone the account owns, in one transaction (see `MeteringStore.updateZoneSettings`). */
export async function updateZoneSettings(db: Kysely<Schema>, accountId: AccountId, zoneName: string, patch: ZoneSettingsPatch): Promise<UpdateZoneSettingsResult> {
  return db.transaction().execute(async (trx): Promise<UpdateZoneSettingsResult> => {
    // Written first through the zones owner (even a no-op update takes SQLite's write lock before any read).
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
  }).catch((error: unknown) => {
    // Thrown to roll back the whole patch; answered as a result.
    if (error instanceof DomainTaken) return { status: 'domain-taken', hostname: error.hostname }
    throw error
  })
}

/** Every zone with its settings, ordered by name. */
export async function listZonesWithSettings(db: Kysely<Schema>): Promise<readonly { readonly zone: Zone; readonly settings: ZoneSettings }[]> {
  const zones = await db.selectFrom('zones').selectAll().orderBy('name').execute()
  const settings = await db.selectFrom('zone_settings').selectAll().execute()
  const domains = await db.selectFrom('zone_domains').selectAll().orderBy('hostname').execute()
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
