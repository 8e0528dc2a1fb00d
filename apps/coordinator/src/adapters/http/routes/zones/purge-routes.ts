import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { zoneNameSchema } from '../../../../zones/zone-name.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'

/** Most items per list in one purge request. */
export const MAX_PURGE_ITEMS = 1000
/** Longest long poll of `GET /v1/purges/:id?waitMs=`. */
export const MAX_PURGE_WAIT_MS = 10_000

/** A zone path: "/" then printable ASCII without spaces (RFC 3986 §3.3, as on the request line). */
const zonePath = z.string().max(2048).regex(/^\/[\x21-\x7e]*$/, 'expected a zone path like "/img/a.png"')

const purgeBody = z
  .strictObject({
    urls: z.array(zonePath).max(MAX_PURGE_ITEMS).optional(),
    prefixes: z.array(zonePath).max(MAX_PURGE_ITEMS).optional(),
    surrogateKeys: z.array(z.string().regex(/^[\x21-\x7e]{1,256}$/, 'expected a surrogate key token')).max(MAX_PURGE_ITEMS).optional(),
  })
  .refine((body) => [body.urls, body.prefixes, body.surrogateKeys].some((list) => list !== undefined && list.length > 0), 'give at least one of urls, prefixes, surrogateKeys')

/** `POST /v1/zones/:name/purge` (buyer, owner): signed purge commands to every live node. */
export const purgeZoneRoute = defineRoute({
  method: 'POST',
  url: '/v1/zones/:name/purge',
  summary: 'Purge a zone by URL paths, prefixes or surrogate keys on every live node',
  auth: 'buyer',
  params: z.strictObject({ name: zoneNameSchema }),
  body: purgeBody,
  responses: {
    202: { description: 'sent: { purgeId, nodes }', schema: z.object({ purgeId: z.string(), nodes: z.int() }) },
    404: { description: 'ZONE_NOT_FOUND' },
  },
  handle: async ({ params, body, caller }, context) => {
    const account = requireAccount(caller)
    const zone = await context.zones.getZoneByName(params.name)
    if (zone?.accountId !== account.id) throw new ApiError('ZONE_NOT_FOUND', `no zone named "${params.name}" in this account`)
    const args = {
      ...(body.urls === undefined ? {} : { urls: body.urls }),
      ...(body.prefixes === undefined ? {} : { prefixes: body.prefixes }),
      ...(body.surrogateKeys === undefined ? {} : { surrogateKeys: body.surrogateKeys }),
    }
    const sent = await context.fleet.purge({ zoneName: zone.name, zoneId: zone.id, accountId: account.id, args })
    return { status: 202, body: sent }
  },
})

/** `GET /v1/purges/:id` (buyer, owner): which nodes acknowledged; `?waitMs=` waits for completion. */
export const purgeStatusRoute = defineRoute({
  method: 'GET',
  url: '/v1/purges/:id',
  summary: 'The state of a purge',
  auth: 'buyer',
  params: z.strictObject({ id: z.string().regex(/^prg_[a-z2-7]{20}$/, 'not a purge id') }),
  query: z.strictObject({ waitMs: z.coerce.number().int().min(0).max(MAX_PURGE_WAIT_MS).optional() }),
  responses: {
    200: { description: '{ purgeId, zone, status: pending|complete, acked, pending, down }' },
    404: { description: 'PURGE_NOT_FOUND' },
  },
  handle: async ({ params, query, caller }, context) => {
    const summary = await context.fleet.purgeStatus(params.id, requireAccount(caller).id, query.waitMs ?? 0)
    if (summary === undefined) throw new ApiError('PURGE_NOT_FOUND', `no purge ${params.id} in this account`)
    return { status: 200, body: summary }
  },
})
