import { z } from 'zod'
import { positiveAmountSchema } from '../../../../ledger/amount-schema.ts'
import { ApiError } from '../../api-error.ts'
import { originUrlSchema } from '../../../../zones/origin-url.ts'
import { toZoneJson, zoneJsonSchema } from '../../../../zones/zone-json.ts'
import { zoneNameSchema } from '../../../../zones/zone-name.ts'
import { checkZonePrice } from '../../../../zones/check-zone-price.ts'
import { placeOrigin } from '../../../../zones/network-endpoints.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'
import { ipfsUpstreamsSchema } from '../../../../gateway/ipfs-upstreams-schema.ts'
import { toZoneSettingsJson, zoneSettingsJsonSchema } from './zone-settings-route.ts'

const zoneParams = z.strictObject({ name: zoneNameSchema })
const zoneNotFound = (name: string): ApiError => new ApiError('ZONE_NOT_FOUND', `no zone named "${name}" in this account`)

/** `POST /v1/zones` (buyer): creates a pull zone in front of an origin. */
export const createZoneRoute = defineRoute({
  method: 'POST',
  url: '/v1/zones',
  summary: 'Create a pull zone',
  auth: 'buyer',
  body: z
    .strictObject({
      name: zoneNameSchema,
      origin: originUrlSchema.optional(),
      pricePerGiB: positiveAmountSchema.optional(),
      type: z.enum(['cdn', 'ipfs']).optional(),
      upstreams: ipfsUpstreamsSchema.optional(),
    })
    .refine((body) => (body.type === 'ipfs' ? body.upstreams !== undefined : body.origin !== undefined && body.upstreams === undefined), {
      error: 'a cdn zone needs an origin (and no upstreams); an ipfs zone needs upstreams',
    }),
  responses: {
    201: { description: 'created', schema: z.object({ zone: zoneJsonSchema }) },
    400: { description: 'PRICE_OUT_OF_RANGE: outside the network\'s minPricePerGiB..maxPricePerGiB' },
    409: { description: 'ZONE_NAME_TAKEN: zone names are unique across the network' },
    422: { description: "ORIGIN_NOT_ALLOWED: the origin is the coordinator or one of the network's nodes" },
  },
  handle: async ({ body, caller }, context) => {
    const { zones, config } = context
    const account = requireAccount(caller)
    const ipfsZones = context.metering.ipfsZones
    if (body.upstreams !== undefined && ipfsZones === undefined) throw new ApiError('INVALID_REQUEST', 'this coordinator does not run ipfs zones')
    const pricePerGiB = body.pricePerGiB ?? config.defaultPricePerGiB
    const price = checkZonePrice(pricePerGiB, config)
    if (!price.ok) throw new ApiError('PRICE_OUT_OF_RANGE', price.message)
    // An ipfs zone's origin is its first upstream: the redirector's fallback when no node fits.
    const origin = body.origin ?? body.upstreams?.[0] ?? ''
    // Neither an origin nor an upstream may point back at the network: it would fetch from itself.
    for (const target of [origin, ...(body.upstreams ?? [])]) {
      const placement = context.network === undefined || target === '' ? 'outside' : placeOrigin(target, context.network)
      if (placement !== 'outside') {
        throw new ApiError('ORIGIN_NOT_ALLOWED', `the origin points at ${placement === 'coordinator' ? 'this coordinator' : "one of the network's nodes"}; it would fetch from itself`)
      }
    }
    const result = await zones.createZone({ accountId: account.id, name: body.name, origin, pricePerGiB })
    if (result.status === 'name-taken') throw new ApiError('ZONE_NAME_TAKEN', `the zone name "${body.name}" is taken`)
    if (body.upstreams !== undefined) await ipfsZones?.setUpstreams(result.zone.id, body.upstreams)
    await context.metering.zonesChanged()
    return { status: 201, body: { zone: toZoneJson(result.zone, body.upstreams) } }
  },
})

/** `GET /v1/zones` (buyer): the caller's zones. */
export const listZonesRoute = defineRoute({
  method: 'GET',
  url: '/v1/zones',
  summary: "List the caller's zones",
  auth: 'buyer',
  responses: { 200: { description: 'the zones', schema: z.object({ zones: z.array(zoneJsonSchema) }) } },
  handle: async ({ caller }, { zones, metering }) => {
    const owned = await zones.listZones(requireAccount(caller).id)
    const upstreams = await metering.ipfsZones?.listUpstreams()
    return { status: 200, body: { zones: owned.map((zone) => toZoneJson(zone, upstreams?.get(zone.id))) } }
  },
})

/** `GET /v1/zones/:name` (buyer): one of the caller's zones; others' zones are 404. */
export const getZoneRoute = defineRoute({
  method: 'GET',
  url: '/v1/zones/:name',
  summary: 'Get one of the caller\'s zones',
  auth: 'buyer',
  params: zoneParams,
  responses: {
    200: { description: 'the zone, with its settings when metering is on', schema: z.object({ zone: zoneJsonSchema, settings: zoneSettingsJsonSchema.optional() }) },
    404: { description: 'ZONE_NOT_FOUND' },
  },
  handle: async ({ params, caller }, { zones, metering }) => {
    const zone = await zones.getZoneByName(params.name)
    // Another buyer's zone answers exactly like a missing one: names are not to be probed.
    if (zone === undefined || zone.accountId !== requireAccount(caller).id) throw zoneNotFound(params.name)
    const settings = await zones.getZoneSettings(zone.id)
    const upstreams = (await metering.ipfsZones?.listUpstreams())?.get(zone.id)
    return { status: 200, body: { zone: toZoneJson(zone, upstreams), settings: toZoneSettingsJson(settings) } }
  },
})

/** `DELETE /v1/zones/:name` (buyer): deletes one of the caller's zones. */
export const deleteZoneRoute = defineRoute({
  method: 'DELETE',
  url: '/v1/zones/:name',
  summary: 'Delete one of the caller\'s zones',
  auth: 'buyer',
  params: zoneParams,
  responses: { 204: { description: 'deleted' }, 404: { description: 'ZONE_NOT_FOUND' } },
  handle: async ({ params, caller }, { zones, metering, fleet }) => {
    const account = requireAccount(caller)
    const zone = await zones.getZoneByName(params.name)
    if (zone?.accountId !== account.id) throw zoneNotFound(params.name)
    const deleted = await zones.deleteZone(account.id, params.name)
    if (!deleted) throw zoneNotFound(params.name)
    await metering.zonesChanged()
    // Its object sizes must not judge a new zone that takes the name.
    await metering.forgetZoneObjects(zone.name)
    // Fleet-wide: every live node drops the zone's whole cache namespace (its id, never
    // reused), so no disk keeps a deleted zone's objects until they expire.
    await fleet.purge({ zoneName: zone.name, zoneId: zone.id, accountId: account.id, args: { prefixes: ['/'] } })
    return { status: 204 }
  },
})
