import { createRequire } from 'node:module'
import maxmind from 'maxmind'
import { createCountryLookup } from '../../routing/country-lookup.ts'
import type { CountryLookup, GeoLocation } from '../../routing/country-lookup.ts'
import { continentOfCountry } from './continent-of-country.ts'
import { GeoIpError } from './geoip-error.ts'

const ISO_ALPHA2 = /^[A-Z]{2}$/

/**
 * The file shipped by `@ip-location-db/geo-whois-asn-country-mmdb` (IPv4 and IPv6 in
 * one MMDB, CC0/CC BY 4.0 data from the RIRs' whois, ASN and geofeed records).
 */
export function defaultGeoIpDatabasePath(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')
}

export interface OpenGeoIpLookupOptions {
  /** MMDB file with `{ country_code }` records; default {@link defaultGeoIpDatabasePath}. */
  readonly databasePath?: string
  /** Entries in maxmind's per-address LRU cache (default 10 000; 0 keeps its default). */
  readonly cacheEntries?: number
}

/**
 * Opens the GeoIP database once (one ~8 MB file read into memory) and returns a
 * {@link CountryLookup} that answers from memory: no I/O per request. Local addresses
 * are 'local' and malformed ones unknown, before the database is asked (see
 * createCountryLookup); a public address the data does not cover is unknown too.
 */
export async function openGeoIpLookup(options: OpenGeoIpLookupOptions = {}): Promise<CountryLookup> {
  const databasePath = options.databasePath ?? defaultGeoIpDatabasePath()
  let reader: Awaited<ReturnType<typeof maxmind.open>>
  try {
    reader = await maxmind.open(databasePath, options.cacheEntries === undefined ? {} : { cache: { max: options.cacheEntries } })
  } catch (error) {
    throw new GeoIpError('Could not open the GeoIP database.', { details: databasePath, cause: error })
  }
  // About 250 distinct answers: share one frozen location per country.
  const locations = new Map<string, GeoLocation>()
  return createCountryLookup((ip) => {
    let record: unknown
    try {
      record = reader.get(ip)
    } catch {
      // createCountryLookup only passes valid public addresses; stay total regardless.
      return undefined
    }
    // ip-location-db's records are `{ country_code }`, not MaxMind's typed shapes, so
    // the record is checked, not cast.
    if (typeof record !== 'object' || record === null || !('country_code' in record) || typeof record.country_code !== 'string') return undefined
    const country = record.country_code.toUpperCase()
    if (!ISO_ALPHA2.test(country)) return undefined
    let location = locations.get(country)
    if (location === undefined) {
      location = Object.freeze({ country, continent: continentOfCountry(country) })
      locations.set(country, location)
    }
    return location
  })
}
