import { z } from 'zod'
import { positiveAmountSchema } from '../ledger/amount-schema.ts'

/** Most entries in one list setting: the directory keeps them all in memory. */
export const MAX_SETTING_ENTRIES = 100

/** A DNS host name (RFC 1123 §2.1): labels of letters, digits and inner hyphens; stored lowercase. */
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/

const hostnameSchema = z
  .string({ error: 'expected a host name' })
  .transform((host) => host.toLowerCase())
  .refine((host) => HOSTNAME.test(host), { error: 'expected a host name like cdn.example.com' })

const referrerSchema = z
  .string({ error: 'expected a host name' })
  .transform((host) => host.toLowerCase())
  .refine((host) => HOSTNAME.test(host.startsWith('*.') ? host.slice(2) : host), { error: 'expected a host name like example.com or *.example.com' })

/** ISO 3166-1 alpha-2: two letters, stored uppercase. */
const countrySchema = z
  .string({ error: 'expected a country code' })
  .regex(/^[A-Za-z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 country code like "DE"' })
  .transform((code) => code.toUpperCase())

function uniqueList<T extends z.ZodType<string>>(item: T) {
  return z
    .array(item)
    .max(MAX_SETTING_ENTRIES, { error: `expected at most ${MAX_SETTING_ENTRIES} entries` })
    .transform((items) => [...new Set(items)].sort())
}

/** `PATCH /v1/zones/:name` body: only the given settings change; lists replace the old ones. */
export const zoneSettingsPatchSchema = z
  .strictObject({
    pricePerGiB: positiveAmountSchema.optional(),
    allowedReferrers: uniqueList(referrerSchema).optional(),
    blockedCountries: uniqueList(countrySchema).optional(),
    customDomains: uniqueList(hostnameSchema).optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { error: 'expected at least one setting to change' })

export type ZoneSettingsPatchBody = z.output<typeof zoneSettingsPatchSchema>
