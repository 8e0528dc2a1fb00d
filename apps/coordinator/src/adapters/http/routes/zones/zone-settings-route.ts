import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { zoneJsonSchema, toZoneJson } from '../../../../zones/zone-json.ts'
import { zoneNameSchema } from '../../../../zones/zone-name.ts'
import { zoneSettingsPatchSchema } from '../../../../zones/zone-settings-schema.ts'
import type { ZoneSettings } from '../../../../zones/zone-store.ts'
import { checkZonePrice } from '../../../../zones/check-zone-price.ts'
import { isCoordinatorName } from '../../../../zones/network-endpoints.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'

/** A zone's settings as the API shows them. */
export const zoneSettingsJsonSchema = z.object({
  allowedReferrers: z.array(z.string()),
  blockedCountries: z.array(z.string()),
  customDomains: z.array(z.string()),
})

export function toZoneSettingsJson(settings: ZoneSettings): z.infer<typeof zoneSettingsJsonSchema> {
  return { allowedReferrers: [...settings.allowedReferrers], blockedCountries: [...settings.blockedCountries], customDomains: [...settings.customDomains] }
}

/** `PATCH /v1/zones/:name` (owner): price, allowed referrers, blocked countries, custom domains. */
export const zoneSettingsRoute = defineRoute({
  method: 'PATCH',
  url: '/v1/zones/:name',
  summary: "Change a zone's settings (only the given ones; lists replace the old lists)",
  auth: 'buyer',
  params: z.strictObject({ name: zoneNameSchema }),
  body: zoneSettingsPatchSchema,
  responses: {
    200: { description: 'the zone with its settings', schema: z.object({ zone: zoneJsonSchema, settings: zoneSettingsJsonSchema }) },
    400: { description: 'INVALID_REQUEST, PRICE_OUT_OF_RANGE' },
    422: { description: "CUSTOM_DOMAIN_NOT_ALLOWED: one of the coordinator's own names" },
    404: { description: 'ZONE_NOT_FOUND' },
    409: { description: 'CUSTOM_DOMAIN_TAKEN: custom domains are unique across zones' },
  },
  handle: async ({ params, body, caller }, context) => {
    const account = requireAccount(caller)
    if (body.pricePerGiB !== undefined) {
      const price = checkZonePrice(body.pricePerGiB, context.config)
      if (!price.ok) throw new ApiError('PRICE_OUT_OF_RANGE', price.message)
    }
    const network = context.network
    const ownName = network === undefined ? undefined : body.customDomains?.find((domain) => isCoordinatorName(domain, network))
    if (ownName !== undefined) throw new ApiError('CUSTOM_DOMAIN_NOT_ALLOWED', `"${ownName}" is a name of this coordinator and can never be a custom domain`)
    const result = await context.zones.updateZoneSettings(account.id, params.name, {
      ...(body.pricePerGiB === undefined ? {} : { pricePerGiB: body.pricePerGiB }),
      ...(body.allowedReferrers === undefined ? {} : { allowedReferrers: body.allowedReferrers }),
      ...(body.blockedCountries === undefined ? {} : { blockedCountries: body.blockedCountries }),
      ...(body.customDomains === undefined ? {} : { customDomains: body.customDomains }),
    })
    if (result.status === 'zone-not-found') throw new ApiError('ZONE_NOT_FOUND', `no zone named "${params.name}" in this account`)
    if (result.status === 'domain-taken') throw new ApiError('CUSTOM_DOMAIN_TAKEN', `the custom domain "${result.hostname}" belongs to another zone`)
    await context.metering.zonesChanged()
    return { status: 200, body: { zone: toZoneJson(result.zone), settings: toZoneSettingsJson(result.settings) } }
  },
})
