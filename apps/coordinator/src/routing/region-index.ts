import type { FleetNode } from './fleet-node.ts'
import { OVERLOAD_THRESHOLD } from './fleet-node.ts'
import { mix32, rendezvousScore } from './stable-hash.ts'

/**
 * Two-stage rendezvous hashing, so a decision costs O(group) and not O(nodes).
 *
 * Hashing every candidate per request is fine for 30 nodes and too slow for 100 000.
 * So a region's nodes are split into G groups (G a power of two) by a hash of their
 * *node id*, and an object key picks its group by a hash of the *key*: an O(1) first
 * stage. Weighted HRW then ranks only that group's nodes (16 to 40 on average, at
 * most about 64).
 *
 * Why affinity survives: a node's group depends only on its id and G, and HRW inside a
 * group moves only the keys the removed (or added) node won. So while G stays put,
 * removing a node moves exactly the keys that lived on it, ~1/N of them. G changes only
 * when a region's size leaves a 2x hysteresis band around its current mean group size
 * (see {@link groupCountFor}); that step remaps about half the region's keys, once per
 * doubling or halving of the region, which we accept.
 *
 * Weights are exact inside a group; across groups they hold in expectation (each group
 * receives 1/G of the keys whatever its total weight), which is close enough when
 * groups are tens of nodes wide.
 *
 * If a key's group is empty or every node in it is overloaded, the key probes the next
 * groups in order (deterministically, so it still lands on the same nodes each time),
 * at most {@link MAX_PROBED_GROUPS} of them; past that the region counts as full and
 * the caller widens the region (country → continent → global).
 */

/** A fresh G is the smallest power of two giving a mean group size at most this. */
const FRESH_MAX_MEAN_GROUP_SIZE = 32
/** G is kept while the mean group size stays within [MIN, MAX]. */
const MIN_MEAN_GROUP_SIZE = 8
const MAX_MEAN_GROUP_SIZE = 40
/** How many groups a key may spill into before its region is considered full. */
export const MAX_PROBED_GROUPS = 8
/** Salt that keeps the group stage independent of the HRW stage. */
const GROUP_SALT = 0x9e3779b9
/** Upper bound on `replicas`, so the per-request top-k stays tiny. */
export const MAX_REPLICAS = 8

/** A node with the hash the index needs, computed once per snapshot. */
export interface IndexedNode {
  readonly node: FleetNode
  /** hashString32(nodeId): the node's identity in HRW. */
  readonly idHash: number
}

/**
 * One region's nodes (a country, a continent, or the world), grouped for lookup.
 *
 * Laid out as flat, parallel typed arrays sorted by group (group g is positions
 * `offsets[g]` to `offsets[g + 1] - 1`), so ranking a group reads a few contiguous
 * cache lines instead of chasing one object per candidate: at 100 000 nodes, memory
 * latency, not hashing, is what a decision costs. Loads are copied in at build time;
 * the arrays are never written after {@link buildRegionIndex} returns.
 */
export interface RegionIndex {
  readonly nodeCount: number
  /** A power of two; a key's group is `groupHashOf(keyHash) & (groupCount - 1)`. */
  readonly groupCount: number
  readonly offsets: Uint32Array
  readonly idHashes: Uint32Array
  readonly weights: Float64Array
  readonly loads: Float64Array
  readonly nodes: readonly FleetNode[]
}

/** The first-stage hash of a key or a node id hash. */
export function groupHashOf(hash: number): number {
  return mix32(hash ^ GROUP_SALT)
}

/**
 * The number of groups for `nodeCount` nodes: the previous count while the mean group
 * size stays in [8, 40] (hysteresis, so a region hovering at a boundary does not
 * reshuffle its keys back and forth), else the smallest power of two that brings the
 * mean to 32 or less (so a fresh count starts in the middle of the band, 16..32).
 */
export function groupCountFor(nodeCount: number, previousGroupCount: number | undefined): number {
  if (previousGroupCount !== undefined) {
    const mean = nodeCount / previousGroupCount
    const isInBand = (mean >= MIN_MEAN_GROUP_SIZE || previousGroupCount === 1) && mean <= MAX_MEAN_GROUP_SIZE
    if (isInBand) return previousGroupCount
  }
  let groupCount = 1
  while (nodeCount / groupCount > FRESH_MAX_MEAN_GROUP_SIZE) groupCount *= 2
  return groupCount
}

/** Groups a region's nodes (a counting sort by group: O(nodes)). */
export function buildRegionIndex(entries: readonly IndexedNode[], previousGroupCount: number | undefined): RegionIndex {
  const groupCount = groupCountFor(entries.length, previousGroupCount)
  const mask = groupCount - 1
  const groupOf = Uint32Array.from(entries, (entry) => groupHashOf(entry.idHash) & mask)
  const offsets = new Uint32Array(groupCount + 1)
  for (const group of groupOf) offsets[group + 1] = (offsets[group + 1] ?? 0) + 1
  for (let group = 0; group < groupCount; group++) offsets[group + 1] = (offsets[group + 1] ?? 0) + (offsets[group] ?? 0)
  const next = offsets.slice(0, groupCount)
  const idHashes = new Uint32Array(entries.length)
  const weights = new Float64Array(entries.length)
  const loads = new Float64Array(entries.length)
  const nodes = new Array<FleetNode>(entries.length)
  entries.forEach((entry, index) => {
    const group = groupOf[index] ?? 0
    const position = next[group] ?? 0
    next[group] = position + 1
    idHashes[position] = entry.idHash
    weights[position] = entry.node.weight
    loads[position] = entry.node.load
    nodes[position] = entry.node
  })
  return { nodeCount: entries.length, groupCount, offsets, idHashes, weights, loads, nodes }
}

/** The nodes of group `group`, in index order (for tests and diagnostics). */
export function nodesOfGroup(index: RegionIndex, group: number): readonly FleetNode[] {
  return index.nodes.slice(index.offsets[group] ?? 0, index.offsets[group + 1] ?? 0)
}

/**
 * The chosen node for a key in this region: the key's group (or the next non-full
 * one), its top `replicas` non-overloaded nodes by weighted HRW, the least loaded of
 * those (ties go to the higher HRW rank). Undefined if the region is full or empty.
 */
export function pickInRegion(index: RegionIndex, keyHash: number, wantedReplicas: number): FleetNode | undefined {
  if (index.nodeCount === 0) return undefined
  // The scratch arrays below hold MAX_REPLICAS entries.
  const replicas = Math.min(MAX_REPLICAS, Math.max(1, wantedReplicas))
  const mask = index.groupCount - 1
  const first = groupHashOf(keyHash)
  const probes = Math.min(index.groupCount, MAX_PROBED_GROUPS)
  for (let probe = 0; probe < probes; probe++) {
    const position = pickInGroup(index, (first + probe) & mask, keyHash, replicas)
    if (position !== -1) return index.nodes[position]
  }
  return undefined
}

const TOP_SCORES = new Float64Array(MAX_REPLICAS)
const TOP_POSITIONS = new Uint32Array(MAX_REPLICAS)

/** Position of the chosen node in the region's arrays, or -1. */
function pickInGroup(index: RegionIndex, group: number, keyHash: number, replicas: number): number {
  const { idHashes, weights, loads } = index
  const end = index.offsets[group + 1] ?? 0
  // Top-k by insertion into two tiny arrays: k <= MAX_REPLICAS, so this beats sorting.
  // The arrays are the module's scratch space (a pick runs to its end synchronously):
  // no allocation per request.
  const topScores = TOP_SCORES
  const topPositions = TOP_POSITIONS
  let count = 0
  for (let position = index.offsets[group] ?? 0; position < end; position++) {
    // Written so that NaN (a missing gauge) counts as overloaded, not as idle.
    if (!((loads[position] ?? 1) < OVERLOAD_THRESHOLD)) continue
    const score = rendezvousScore(keyHash, idHashes[position] ?? 0, weights[position] ?? 0)
    if (count === replicas && score <= (topScores[replicas - 1] ?? Infinity)) continue
    let slot = Math.min(count, replicas - 1)
    while (slot > 0 && (topScores[slot - 1] ?? Infinity) < score) {
      topScores[slot] = topScores[slot - 1] ?? 0
      topPositions[slot] = topPositions[slot - 1] ?? 0
      slot--
    }
    topScores[slot] = score
    topPositions[slot] = position
    if (count < replicas) count++
  }
  let best = -1
  for (let slot = 0; slot < count; slot++) {
    const position = topPositions[slot] ?? 0
    if (best === -1 || (loads[position] ?? 1) < (loads[best] ?? 1)) best = position
  }
  return best
}
