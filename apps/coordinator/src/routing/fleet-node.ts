import type { NodeId } from '@meson/protocol'

/** The location of anything on a loopback or private network (the demo network). */
export const LOCAL_REGION = 'local'

/**
 * A node as the redirector sees it: eligible for CDN work (registered with the `cdn`
 * capability and reachable at `publicUrl`), where it is, how busy it is.
 */
export interface FleetNode {
  readonly nodeId: NodeId
  /** Base URL redirects point at, e.g. "http://203.0.113.7:8080". */
  readonly publicUrl: string
  /** ISO 3166-1 alpha-2 code ("DE"), or 'local' for a node on a loopback/private address. */
  readonly country: string
  /** One of AF AN AS EU NA OC SA, or 'local'. */
  readonly continent: string
  /** Fraction of capacity in use, 0..1, from the last heartbeat (a gauge, so a float). */
  readonly load: number
  /** False once heartbeats stop or the node drains; unhealthy nodes get no work. */
  readonly healthy: boolean
  /** Relative share of objects (rendezvous weight), > 0; e.g. from declared uplink. */
  readonly weight: number
}

/** Nodes at or above this load get no new objects until they report less. */
export const OVERLOAD_THRESHOLD = 0.95

/** True if the node may be chosen at all (membership in the fleet view's indices). */
export function isIndexable(node: FleetNode): boolean {
  return node.healthy && node.weight > 0 && Number.isFinite(node.weight)
}
