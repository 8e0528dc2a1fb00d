import type { FleetNode } from './fleet-node.ts'
import type { FleetView } from './fleet-view.ts'
import { MAX_REPLICAS, pickInRegion } from './region-index.ts'
import { hashString32 } from './stable-hash.ts'

/** How many top-ranked nodes per object share its traffic (by load) unless told. */
export const DEFAULT_REPLICAS = 2

export interface SelectNodeParameters {
  readonly fleet: FleetView
  /** What identifies the cached object, e.g. "<zone>\n<path>?<query>". */
  readonly objectKey: string
  /** ISO 3166-1 alpha-2 code, 'local', or undefined when GeoIP does not know. */
  readonly clientCountry: string | undefined
  readonly clientContinent: string | undefined
  /** Top-ranked nodes the object may live on; clamped to 1..8. Default 2. */
  readonly replicas?: number
}

/** Where the chosen node was found: the client's country, continent, or anywhere. */
export type SelectionScope = 'country' | 'continent' | 'world'

export type SelectNodeResult =
  | { readonly ok: true; readonly node: FleetNode; readonly scope: SelectionScope }
  | { readonly ok: false; readonly reason: 'no-eligible-node' }

/**
 * Chooses the node for one request: the nearest region with a node that is healthy and
 * not overloaded (client's country, then continent, then every public node), and in it
 * the least loaded of the object's top `replicas` nodes by weighted rendezvous hashing,
 * so an object keeps landing on the same few caches. Costs one string hash and one HRW
 * pass over a group of a few tens of nodes per region tried (see region-index.ts).
 */
export function selectNode(parameters: SelectNodeParameters): SelectNodeResult {
  const { fleet, clientCountry, clientContinent } = parameters
  const replicas = clampReplicas(parameters.replicas ?? DEFAULT_REPLICAS)
  const keyHash = hashString32(parameters.objectKey)

  if (clientCountry !== undefined) {
    const node = pickInRegion(fleet.country(clientCountry), keyHash, replicas)
    if (node !== undefined) return { ok: true, node, scope: 'country' }
  }
  if (clientContinent !== undefined) {
    const node = pickInRegion(fleet.continent(clientContinent), keyHash, replicas)
    if (node !== undefined) return { ok: true, node, scope: 'continent' }
  }
  const node = pickInRegion(fleet.publicWorld(), keyHash, replicas)
  return node === undefined ? { ok: false, reason: 'no-eligible-node' } : { ok: true, node, scope: 'world' }
}

function clampReplicas(replicas: number): number {
  if (!Number.isFinite(replicas)) return DEFAULT_REPLICAS
  return Math.min(MAX_REPLICAS, Math.max(1, Math.trunc(replicas)))
}
