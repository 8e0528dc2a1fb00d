import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { zoneNameSchema } from '../../../../zones/zone-name.ts'
import type { Zone } from '../../../../zones/zone-store.ts'
import type { DomainVerifier } from '../../../../zones/domain-verifier.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'
import type { RouteContext } from '../../route-spec.ts'

const domainJsonSchema = z.object({
  hostname: z.string(),
  verified: z.boolean(),
  challenge: z.object({ token: z.string(), url: z.string() }),
})

function requireVerifier(context: RouteContext): DomainVerifier {
  if (context.domainVerifier === undefined) throw new ApiError('DOMAIN_VERIFICATION_UNAVAILABLE', 'custom domains are not available on this coordinator')
  return context.domainVerifier
}

async function ownZone(context: RouteContext, accountId: string, name: string): Promise<Zone> {
  const zone = await context.zones.getZoneByName(name)
  if (zone?.accountId !== accountId) throw new ApiError('ZONE_NOT_FOUND', `no zone named "${name}" in this account`)
  return zone
}

/** `GET /v1/zones/:name/domains` (owner): each custom domain, whether it is proven, and its challenge. */
export const listZoneDomainsRoute = defineRoute({
  method: 'GET',
  url: '/v1/zones/:name/domains',
  summary: "A zone's custom domains with their ownership challenge (served only once verified)",
  auth: 'buyer',
  params: z.strictObject({ name: zoneNameSchema }),
  responses: { 200: { description: 'the domains', schema: z.object({ domains: z.array(domainJsonSchema) }) }, 404: { description: 'ZONE_NOT_FOUND' } },
  handle: async ({ params, caller }, context) => {
    const verifier = requireVerifier(context)
    const zone = await ownZone(context, requireAccount(caller).id, params.name)
    const settings = await context.zones.getZoneSettings(zone.id)
    const domains = settings.customDomains.map((hostname) => {
      const challenge = verifier.challengeFor(zone.id, hostname)
      return { hostname, verified: verifier.isVerified(zone.id, hostname), challenge: { token: challenge.token, url: challenge.url } }
    })
    return { status: 200, body: { domains } }
  },
})

/**
 * `POST /v1/zones/:name/domains/:hostname/verify` (owner): fetches the challenge from the
 * domain; once it answers with the token, the redirector serves the zone on that domain.
 */
export const verifyZoneDomainRoute = defineRoute({
  method: 'POST',
  url: '/v1/zones/:name/domains/:hostname/verify',
  summary: 'Prove control of a custom domain (HTTP challenge)',
  auth: 'buyer',
  params: z.strictObject({ name: zoneNameSchema, hostname: z.string().max(253).transform((host) => host.toLowerCase()) }),
  responses: {
    200: { description: 'verified', schema: z.object({ hostname: z.string(), verified: z.literal(true) }) },
    404: { description: 'ZONE_NOT_FOUND, or the domain is not one of the zone\'s custom domains' },
    409: { description: 'CUSTOM_DOMAIN_UNVERIFIED: the challenge URL did not answer with the token' },
  },
  handle: async ({ params, caller }, context) => {
    const verifier = requireVerifier(context)
    const { metering, zones } = context
    const zone = await ownZone(context, requireAccount(caller).id, params.name)
    const settings = await zones.getZoneSettings(zone.id)
    if (!settings.customDomains.includes(params.hostname)) throw new ApiError('NOT_FOUND', `"${params.hostname.slice(0, 253)}" is not a custom domain of zone "${zone.name}"`)
    if (!(await verifier.verify(zone.id, params.hostname))) {
      const challenge = verifier.challengeFor(zone.id, params.hostname)
      throw new ApiError('CUSTOM_DOMAIN_UNVERIFIED', `${challenge.url} did not answer 200 with the challenge token`)
    }
    await metering.zonesChanged()
    return { status: 200, body: { hostname: params.hostname, verified: true } }
  },
})
