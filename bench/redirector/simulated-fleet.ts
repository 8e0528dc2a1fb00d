import { createHash } from 'node:crypto'
import { encodeBase32, parseNodeId } from '@meson/protocol'
import type { NodeId } from '@meson/protocol'
import { buildFleetView } from '@meson/coordinator/routing'
import type { FleetNode, FleetView } from '@meson/coordinator/routing'

/** Countries the simulated public fleet is spread over, with their continents. */
export const SIMULATED_COUNTRIES: readonly (readonly [string, string])[] = [
  ['US', 'NA'], ['CA', 'NA'], ['MX', 'NA'], ['BR', 'SA'], ['AR', 'SA'],
  ['DE', 'EU'], ['FR', 'EU'], ['GB', 'EU'], ['NL', 'EU'], ['PL', 'EU'], ['SE', 'EU'], ['IT', 'EU'],
  ['JP', 'AS'], ['KR', 'AS'], ['IN', 'AS'], ['SG', 'AS'], ['CN', 'AS'],
  ['AU', 'OC'], ['ZA', 'AF'], ['NG', 'AF'],
]

/** A well-formed node id derived from `index` (same index, same id). */
export function simulatedNodeId(index: number): NodeId {
  const digest = createHash('sha256').update(`bench-node-${index}`).digest()
  const parsed = parseNodeId(`nd_${encodeBase32(digest.subarray(0, 20))}`)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value
}

export interface SimulatedFleetOptions {
  readonly nodeCount: number
  /** 'public': spread over SIMULATED_COUNTRIES; 'local': every node on the demo network. */
  readonly placement: 'public' | 'local'
  /** Base URL of every node (a redirect target is never fetched in the bench). */
  readonly publicUrl?: string
}

/**
 * A fleet as the coordinator's routing sees it: a snapshot (`FleetView`) rebuilt from the
 * node list when it changed, reusing the previous snapshot's indexes (as `FleetViewSource` does).
 */
export interface SimulatedFleet {
  /** The current view; rebuilt only after a change. */
  snapshot(): FleetView
  /** A heartbeat that changes a node's load (dirties the view). */
  applyHeartbeat(nodeId: NodeId, load: number): void
}

/**
 * A fleet of healthy nodes with varied loads (0..0.99, so a few are overloaded) and
 * weights (1..4), as registration and heartbeats would leave it.
 */
export function buildSimulatedFleet(options: SimulatedFleetOptions): SimulatedFleet {
  const nodes = new Map<NodeId, FleetNode>()
  for (let index = 0; index < options.nodeCount; index++) {
    const [country, continent] = options.placement === 'local' ? ['local', 'local'] : (SIMULATED_COUNTRIES[index % SIMULATED_COUNTRIES.length] ?? ['US', 'NA'])
    const nodeId = simulatedNodeId(index)
    nodes.set(nodeId, { nodeId, publicUrl: options.publicUrl ?? `http://node-${index}.example:8080`, country, continent, weight: 1 + (index % 4), load: (index * 37) % 100 / 100, healthy: true })
  }
  let view: FleetView | undefined
  let isDirty = true
  return {
    snapshot() {
      if (isDirty || view === undefined) {
        view = buildFleetView(nodes.values(), view)
        isDirty = false
      }
      return view
    },
    applyHeartbeat(nodeId, load) {
      const node = nodes.get(nodeId)
      if (node === undefined) return
      nodes.set(nodeId, { ...node, load })
      isDirty = true
    },
  }
}

/** `count` public IPv4 addresses from a fixed-seed generator (same run, same addresses). */
export function simulatedClientIps(count: number): string[] {
  let state = 0x12345678
  const next = (): number => {
    // xorshift32: deterministic and good enough to scatter addresses over the map.
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return state >>> 0
  }
  const ips: string[] = []
  while (ips.length < count) {
    const value = next()
    const first = value >>> 24
    // Skip 0/8, 10/8, 100/8, 127/8, 169/8, 172/8, 192/8 and multicast and up: keep it plainly public.
    if ([0, 10, 100, 127, 169, 172, 192].includes(first) || first >= 224) continue
    ips.push(`${first}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${(value & 255) || 1}`)
  }
  return ips
}
