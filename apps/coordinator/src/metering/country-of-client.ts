import type { CountryLookup } from '../routing/country-lookup.ts'
import { UNKNOWN_COUNTRY } from './build-usage-charges.ts'

/**
 * The country of a ticket's `client` (an IP address, or a prefix such as
 * `203.0.113.0/24`: its network address is looked up), or {@link UNKNOWN_COUNTRY}.
 * Local clients are 'local'. Pure over the lookup, which does no I/O per call.
 */
export function countryOfClient(client: string, geo: CountryLookup): string {
  const slash = client.indexOf('/')
  const address = slash === -1 ? client : client.slice(0, slash)
  return geo.lookupCountry(address)?.country ?? UNKNOWN_COUNTRY
}
