/** One node as the explorer needs it: no id, no address, nothing an attacker could use. */
export interface ExplorerNodeInput {
  readonly status: 'pending' | 'active' | 'draining' | 'down'
  /** ISO 3166-1 alpha-2, or undefined when the node is on a local address or GeoIP does not know it. */
  readonly country: string | undefined
  readonly servedBytes: bigint
  readonly cacheStoredBytes: bigint
  readonly diskQuotaBytes: bigint
  readonly uplinkMbps: number
}

export interface CountryCount {
  readonly country: string
  readonly nodes: number
  readonly activeNodes: number
}

/** The public picture of the network at one instant. */
export interface NetworkSummary {
  readonly nodes: { readonly total: number; readonly active: number; readonly draining: number; readonly pending: number; readonly down: number }
  /** Nodes by country, most nodes first (ties by country code). */
  readonly countries: readonly CountryCount[]
  /** Nodes on loopback/private addresses or unknown to GeoIP: counted, never placed on a map. */
  readonly unlocatedNodes: number
  /** Bytes served by every node, summed from heartbeats since this coordinator started. */
  readonly servedBytes: bigint
  readonly cacheStoredBytes: bigint
  readonly diskQuotaBytes: bigint
  readonly uplinkMbps: number
}

/** Sums the fleet into country counts and totals. Pure: the caller looks countries up. */
export function summarizeNetwork(nodes: Iterable<ExplorerNodeInput>): NetworkSummary {
  const byStatus = { active: 0, draining: 0, pending: 0, down: 0 }
  const countries = new Map<string, { nodes: number; activeNodes: number }>()
  let total = 0
  let unlocatedNodes = 0
  let servedBytes = 0n
  let cacheStoredBytes = 0n
  let diskQuotaBytes = 0n
  let uplinkMbps = 0
  for (const node of nodes) {
    total++
    byStatus[node.status]++
    servedBytes += node.servedBytes
    cacheStoredBytes += node.cacheStoredBytes
    diskQuotaBytes += node.diskQuotaBytes
    uplinkMbps += node.uplinkMbps
    if (node.country === undefined) {
      unlocatedNodes++
      continue
    }
    const count = countries.get(node.country) ?? { nodes: 0, activeNodes: 0 }
    count.nodes++
    if (node.status === 'active') count.activeNodes++
    countries.set(node.country, count)
  }
  const sorted = [...countries.entries()]
    .map(([country, count]) => ({ country, ...count }))
    .sort((a, b) => b.nodes - a.nodes || (a.country < b.country ? -1 : a.country > b.country ? 1 : 0))
  return { nodes: { total, ...byStatus }, countries: sorted, unlocatedNodes, servedBytes, cacheStoredBytes, diskQuotaBytes, uplinkMbps }
}
