import { formatTokenAmount } from '@meson/protocol'
import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { zoneNameSchema } from '../../../../zones/zone-name.ts'
import { formatCsv } from '../../../../metering/format-csv.ts'
import { PERIOD_MS, periodKeyId, rollUpCountryUsage, rollUpUsage } from '../../../../metering/roll-up-usage.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'
import type { RequestHeaders } from '../../route-spec.ts'
import type { CountryUsageRow, UsageRow } from '../../../../metering/metering-store.ts'
import type { ProxyUsageLine } from '../../../../proxy/proxy-store.ts'

/** Longest range one query may cover: bounded work per request. */
const MAX_RANGE_MS = 400 * 86_400_000
const DEFAULT_RANGE_MS = 7 * 86_400_000

const instantSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'expected an ISO 8601 date ("2025-01-31") or date-time ("2025-01-31T12:00:00Z")' })
  .transform((text) => Date.parse(text))

const usageQuerySchema = z.strictObject({
  zone: zoneNameSchema.optional(),
  granularity: z.enum(['hour', 'day'], { error: 'expected hour or day' }).default('hour'),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  format: z.enum(['json', 'csv'], { error: 'expected json or csv' }).optional(),
  product: z.enum(['cdn', 'proxy'], { error: 'expected cdn or proxy' }).optional(),
  /** CSV only: one row per client country (JSON rows always carry `byCountry`). */
  groupBy: z.enum(['country'], { error: 'expected country' }).optional(),
})

const usageRowSchema = z.object({
  periodStart: z.string().meta({ format: 'date-time' }),
  product: z.enum(['cdn', 'proxy']),
  zone: z.string().optional(),
  nodeId: z.string().optional(),
  bytes: z.string(),
  /** Responses served (0 for usage of nodes that send no count). */
  requests: z.number().int(),
  cost: z.string().optional(),
  costFormatted: z.string().optional(),
  /** CDN usage by the country of the tickets' clients (ISO 3166-1 alpha-2, 'local' or 'unknown'). */
  byCountry: z.array(z.object({ country: z.string(), bytes: z.string(), requests: z.number().int() })).optional(),
})

/** Proxy usage lines as hourly usage rows (the proxy has no zone; its key for buyers is "proxy"). */
function proxyUsageRows(lines: readonly ProxyUsageLine[]): UsageRow[] {
  return lines.map((line) => ({
    zoneId: '' as UsageRow['zoneId'], // proxy usage belongs to no zone; rollUpUsage keys it by zoneName or nodeId only
    zoneName: 'proxy',
    hourStart: line.atMs - (line.atMs % PERIOD_MS.hour),
    nodeId: line.nodeId,
    bytes: line.bytesUp + line.bytesDown,
    cost: line.cost,
    requests: 0,
  }))
}

/** CSV when asked by `?format=csv` or an Accept header naming text/csv (RFC 9110 §12.5.1). */
function wantsCsv(format: 'json' | 'csv' | undefined, headers: RequestHeaders): boolean {
  if (format !== undefined) return format === 'csv'
  const accept = headers['accept']
  const text = Array.isArray(accept) ? accept.join(',') : (accept ?? '')
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(text)
}

/**
 * `GET /v1/usage`: a buyer's usage per zone, or an operator's served bytes per node,
 * per UTC hour or day, as JSON rows or CSV.
 */
export const usageQueryRoute = defineRoute({
  method: 'GET',
  url: '/v1/usage',
  summary: "Usage per zone (buyer) or per node (operator), per hour or day; JSON or CSV",
  auth: 'account',
  query: usageQuerySchema,
  responses: {
    200: { description: 'usage rows (JSON), or text/csv with a header row', schema: z.object({ granularity: z.string(), from: z.string(), to: z.string(), rows: z.array(usageRowSchema) }) },
    400: { description: 'INVALID_REQUEST: a bad range or parameter' },
    404: { description: 'ZONE_NOT_FOUND' },
  },
  handle: async ({ query, caller, headers }, context) => {
    const account = requireAccount(caller)
    const metering = context.metering
    const periodMs = PERIOD_MS[query.granularity]
    const now = Date.now()
    const toMs = query.to ?? now - (now % periodMs) + periodMs
    const fromMs = query.from ?? toMs - DEFAULT_RANGE_MS
    if (!(fromMs < toMs) || toMs - fromMs > MAX_RANGE_MS) throw new ApiError('INVALID_REQUEST', 'query: from must be before to, at most 400 days apart')
    const isBuyer = account.role === 'buyer'
    if (query.zone !== undefined) {
      const zone = await context.zones.getZoneByName(query.zone)
      // Operators see nodes, not zones; another buyer's zone answers like a missing one.
      if (!isBuyer || zone === undefined || zone.accountId !== account.id) throw new ApiError('ZONE_NOT_FOUND', `no zone named "${query.zone}" in this account`)
    }
    const product = query.zone === undefined ? query.product : 'cdn'
    const cdnQuery = {
      ...(isBuyer ? { accountId: account.id } : { operatorId: account.id }),
      ...(query.zone === undefined ? {} : { zoneName: query.zone }),
      fromMs,
      toMs,
    }
    const cdnRows = product === 'proxy' ? [] : await metering.listUsage(cdnQuery)
    const countryRows = product === 'proxy' ? [] : await metering.listUsageByCountry(cdnQuery)
    const proxyRows = product === 'cdn' || context.proxy === undefined ? [] : proxyUsageRows(await context.proxy.proxyStore.listUsage({ ...(isBuyer ? { accountId: account.id } : { operatorId: account.id }), fromMs, toMs }))
    const keyOf = isBuyer ? (row: UsageRow | CountryUsageRow) => row.zoneName : (row: UsageRow | CountryUsageRow) => row.nodeId
    const countries = rollUpCountryUsage(countryRows, query.granularity, keyOf)
    const totals = [
      ...rollUpUsage(cdnRows, query.granularity, keyOf).map((total) => ({ ...total, product: 'cdn' as const })),
      ...rollUpUsage(proxyRows, query.granularity, keyOf).map((total) => ({ ...total, product: 'proxy' as const })),
    ].sort((a, b) => a.periodStart - b.periodStart)
    const countriesOf = (total: (typeof totals)[number]) => (total.product === 'cdn' ? (countries.get(periodKeyId(total.periodStart, total.key)) ?? []) : [])
    const json = totals.map((total) => ({
      periodStart: new Date(total.periodStart).toISOString(),
      product: total.product,
      ...(isBuyer
        ? { ...(total.product === 'cdn' ? { zone: total.key } : {}), bytes: total.bytes.toString(), requests: total.requests, cost: total.cost.toString(), costFormatted: formatTokenAmount(total.cost) }
        : { nodeId: total.key, bytes: total.bytes.toString(), requests: total.requests }),
      ...(total.product === 'cdn' ? { byCountry: countriesOf(total).map((part) => ({ country: part.country, bytes: part.bytes.toString(), requests: part.requests })) } : {}),
    }))
    if (wantsCsv(query.format, headers)) {
      // New columns go last, so readers of the older columns by position keep working.
      const header = isBuyer ? ['period_start', 'zone', 'bytes', 'cost_base_units', 'product', 'requests', 'country'] : ['period_start', 'node_id', 'bytes', 'product', 'requests', 'country']
      const lineOf = (total: (typeof totals)[number], bytes: bigint, cost: bigint | undefined, requests: number, country: string): string[] =>
        isBuyer
          ? [new Date(total.periodStart).toISOString(), total.product === 'cdn' ? total.key : '', bytes.toString(), cost === undefined ? '' : cost.toString(), total.product, String(requests), country]
          : [new Date(total.periodStart).toISOString(), total.key, bytes.toString(), total.product, String(requests), country]
      // `groupBy=country`: one row per country (no cost: charges are per zone); otherwise one per period and key.
      const csvRows = totals.flatMap((total) =>
        query.groupBy === 'country'
          ? countriesOf(total).map((part) => lineOf(total, part.bytes, undefined, part.requests, part.country))
          : [lineOf(total, total.bytes, total.cost, total.requests, '')],
      )
      return { status: 200, body: formatCsv(header, csvRows), contentType: 'text/csv; charset=utf-8; header=present' }
    }
    return { status: 200, body: { granularity: query.granularity, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), rows: json } }
  },
})
