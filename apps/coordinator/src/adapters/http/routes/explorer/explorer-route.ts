import { z } from 'zod'
import type { LiveNode } from '../../../../fleet/fleet-registry.ts'
import { summarizeNetwork } from '../../../../explorer/summarize-network.ts'
import type { ExplorerNodeInput } from '../../../../explorer/summarize-network.ts'
import type { CountryLookup } from '../../../../routing/country-lookup.ts'
import { LOCAL_REGION } from '../../../../routing/fleet-node.ts'
import { defineRoute } from '../../route-spec.ts'
import { locateNode } from '../../../../routing/fleet-view-source.ts'

const explorerJsonSchema = z.object({
  observedAt: z.string().meta({ format: 'date-time' }),
  nodes: z.object({ total: z.int(), active: z.int(), draining: z.int(), pending: z.int(), down: z.int() }),
  countries: z.array(z.object({ country: z.string().meta({ description: 'ISO 3166-1 alpha-2' }), nodes: z.int(), activeNodes: z.int() })),
  unlocatedNodes: z.int().meta({ description: 'nodes on local addresses or unknown to GeoIP' }),
  servedBytes: z.string().meta({ description: 'bytes served by every node since this coordinator started (decimal string)' }),
  cacheStoredBytes: z.string(),
  diskQuotaBytes: z.string(),
  uplinkMbps: z.number(),
})

/** A country code fit for a map: two letters, not "local" and not ISO's "ZZ" (unknown). */
function countryOf(node: LiveNode, geo: CountryLookup | undefined): string | undefined {
  if (geo === undefined) return undefined
  const { country } = locateNode(node.record.publicUrl, node.record.publicIp, geo)
  return country === LOCAL_REGION || country === 'ZZ' || !/^[A-Z]{2}$/.test(country) ? undefined : country
}

function* explorerInputs(nodes: readonly LiveNode[], geo: CountryLookup | undefined): Generator<ExplorerNodeInput> {
  for (const node of nodes) {
    yield {
      status: node.status,
      country: countryOf(node, geo),
      servedBytes: node.stats?.servedBytes ?? 0n,
      cacheStoredBytes: node.stats?.cache.storedBytes ?? 0n,
      diskQuotaBytes: node.record.diskQuotaBytes,
      uplinkMbps: node.record.declaredUplinkMbps,
    }
  }
}

/**
 * `GET /v1/explorer` (public): node counts by country and network totals for the
 * dashboard's explorer. No node ids, addresses or accounts: anyone may read it.
 */
export const explorerRoute = defineRoute({
  method: 'GET',
  url: '/v1/explorer',
  summary: 'Public network totals: nodes by country and status, bytes served, capacity',
  auth: 'none',
  responses: { 200: { description: 'the network at this instant', schema: explorerJsonSchema } },
  handle: (_input, context) => {
    const nodes = context.fleet.listNodes()
    const summary = summarizeNetwork(explorerInputs(nodes, context.geo))
    return Promise.resolve({
      status: 200,
      body: {
        observedAt: new Date().toISOString(),
        nodes: summary.nodes,
        countries: summary.countries,
        unlocatedNodes: summary.unlocatedNodes,
        servedBytes: summary.servedBytes.toString(),
        cacheStoredBytes: summary.cacheStoredBytes.toString(),
        diskQuotaBytes: summary.diskQuotaBytes.toString(),
        uplinkMbps: summary.uplinkMbps,
      },
    })
  },
})
