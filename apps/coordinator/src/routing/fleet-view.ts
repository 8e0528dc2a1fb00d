import type { FleetNode } from './fleet-node.ts'
import { isIndexable, LOCAL_REGION } from './fleet-node.ts'
import type { IndexedNode, RegionIndex } from './region-index.ts'
import { buildRegionIndex } from './region-index.ts'
import { hashString32 } from './stable-hash.ts'

const EMPTY_REGION: RegionIndex = buildRegionIndex([], undefined)

/**
 * An immutable snapshot of the nodes eligible for CDN work, indexed per country, per
 * continent and worldwide so that a decision looks at one small group of nodes, never
 * at the whole fleet. Build one with {@link buildFleetView} (or `Fleet#snapshot()`);
 * readers keep using the snapshot they hold while a newer one is built.
 */
export class FleetView {
  /** Healthy nodes with a positive weight (the ones that can be chosen). */
  readonly eligibleCount: number
  readonly #byCountry: ReadonlyMap<string, RegionIndex>
  readonly #byContinent: ReadonlyMap<string, RegionIndex>
  readonly #publicWorld: RegionIndex

  constructor(parts: {
    eligibleCount: number
    byCountry: ReadonlyMap<string, RegionIndex>
    byContinent: ReadonlyMap<string, RegionIndex>
    publicWorld: RegionIndex
  }) {
    this.eligibleCount = parts.eligibleCount
    this.#byCountry = parts.byCountry
    this.#byContinent = parts.byContinent
    this.#publicWorld = parts.publicWorld
    Object.freeze(this)
  }

  /** The nodes in one country (or 'local'); an empty index if there are none. */
  country(code: string): RegionIndex {
    return this.#byCountry.get(code) ?? EMPTY_REGION
  }

  /** The nodes on one continent (or 'local'); an empty index if there are none. */
  continent(code: string): RegionIndex {
    return this.#byContinent.get(code) ?? EMPTY_REGION
  }

  /**
   * Every node on a public address. Nodes on private/loopback addresses are left out:
   * they are reachable from their own network only, which the 'local' country covers.
   */
  publicWorld(): RegionIndex {
    return this.#publicWorld
  }

  /** Group counts per region, so the next snapshot can keep them (hysteresis). */
  groupCounts(): { country: ReadonlyMap<string, number>; continent: ReadonlyMap<string, number>; world: number } {
    const count = (map: ReadonlyMap<string, RegionIndex>): Map<string, number> => new Map([...map].map(([code, index]) => [code, index.groupCount]))
    return { country: count(this.#byCountry), continent: count(this.#byContinent), world: this.#publicWorld.groupCount }
  }
}

/**
 * Builds a snapshot from the fleet's nodes. Pass the previous snapshot so regions keep
 * their group counts while their size stays in band (affinity stays put). O(nodes):
 * call it when the fleet changed, at most every second or so, not per request.
 */
export function buildFleetView(nodes: Iterable<FleetNode>, previous?: FleetView): FleetView {
  const byCountry = new Map<string, IndexedNode[]>()
  const byContinent = new Map<string, IndexedNode[]>()
  const world: IndexedNode[] = []
  for (const node of nodes) {
    if (!isIndexable(node)) continue
    const entry: IndexedNode = { node, idHash: hashString32(node.nodeId) }
    appendTo(byCountry, node.country, entry)
    appendTo(byContinent, node.continent, entry)
    if (node.country !== LOCAL_REGION) world.push(entry)
  }
  const previousCounts = previous?.groupCounts()
  const index = (map: Map<string, IndexedNode[]>, counts: ReadonlyMap<string, number> | undefined): Map<string, RegionIndex> =>
    new Map([...map].map(([code, entries]) => [code, buildRegionIndex(entries, counts?.get(code))]))
  return new FleetView({
    eligibleCount: world.length + (byCountry.get(LOCAL_REGION)?.length ?? 0),
    byCountry: index(byCountry, previousCounts?.country),
    byContinent: index(byContinent, previousCounts?.continent),
    publicWorld: buildRegionIndex(world, previousCounts?.world),
  })
}

function appendTo(map: Map<string, IndexedNode[]>, key: string, entry: IndexedNode): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [entry])
  else list.push(entry)
}
