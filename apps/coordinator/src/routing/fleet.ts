import type { NodeId } from '@meson/protocol'
import type { FleetNode } from './fleet-node.ts'
import type { FleetView } from './fleet-view.ts'
import { buildFleetView } from './fleet-view.ts'
import { RedirectorError } from './redirector-error.ts'

/** What registration tells the fleet about a CDN-capable, reachable node. */
export interface FleetNodeRegistration {
  readonly nodeId: NodeId
  readonly publicUrl: string
  readonly country: string
  readonly continent: string
  readonly weight: number
}

interface TrackedNode {
  readonly node: FleetNode
  readonly lastSeenMs: number
}

/**
 * The live, mutable record of the fleet, fed by registrations, heartbeats and the
 * missing-heartbeat sweep, from which immutable {@link FleetView} snapshots are taken.
 * Updates are O(1); `snapshot()` rebuilds the indices only if something changed since
 * the last one, so the composition root can call it on a timer (e.g. every second) or
 * before each decision and pay the O(nodes) build at most once per change.
 */
export class Fleet {
  readonly #nodes = new Map<NodeId, TrackedNode>()
  #view: FleetView | undefined
  #isDirty = true

  /** Adds a node, or replaces its address, location and weight; it starts healthy. */
  register(registration: FleetNodeRegistration, nowMs: number): void {
    if (!(registration.weight > 0 && Number.isFinite(registration.weight))) {
      throw new RedirectorError('FLEET_NODE_INVALID', `Node ${registration.nodeId} needs a positive finite weight.`, {
        details: `weight: ${String(registration.weight)}`,
      })
    }
    const previous = this.#nodes.get(registration.nodeId)
    const node: FleetNode = Object.freeze({
      nodeId: registration.nodeId,
      publicUrl: registration.publicUrl,
      country: registration.country,
      continent: registration.continent,
      weight: registration.weight,
      load: previous?.node.load ?? 0,
      healthy: true,
    })
    this.#set(node, nowMs)
  }

  /**
   * Records a heartbeat: the node's load, and that it is alive (a node that was marked
   * down resumes). Returns false for a node that never registered.
   */
  applyHeartbeat(nodeId: NodeId, heartbeat: { readonly load: number }, nowMs: number): boolean {
    const tracked = this.#nodes.get(nodeId)
    if (tracked === undefined) return false
    // The wire schema bounds load to 0..1; clamp anyway, and read NaN as fully loaded.
    const load = Number.isNaN(heartbeat.load) ? 1 : Math.min(1, Math.max(0, heartbeat.load))
    this.#set(Object.freeze({ ...tracked.node, load, healthy: true }), nowMs)
    return true
  }

  /** Takes a node out of rotation (drain, failed probe) until its next heartbeat. */
  markDown(nodeId: NodeId): boolean {
    const tracked = this.#nodes.get(nodeId)
    if (tracked === undefined) return false
    if (tracked.node.healthy) this.#set(Object.freeze({ ...tracked.node, healthy: false }), tracked.lastSeenMs)
    return true
  }

  /** Marks down every node silent for `maxSilenceMs` or longer; returns how many. */
  markSilentDown(nowMs: number, maxSilenceMs: number): number {
    let count = 0
    for (const tracked of this.#nodes.values()) {
      if (tracked.node.healthy && nowMs - tracked.lastSeenMs >= maxSilenceMs) {
        this.markDown(tracked.node.nodeId)
        count++
      }
    }
    return count
  }

  /** Forgets a node entirely (deregistered or banned). */
  remove(nodeId: NodeId): boolean {
    const existed = this.#nodes.delete(nodeId)
    if (existed) this.#isDirty = true
    return existed
  }

  /** The current record of one node. */
  get(nodeId: NodeId): FleetNode | undefined {
    return this.#nodes.get(nodeId)?.node
  }

  get size(): number {
    return this.#nodes.size
  }

  /** An immutable view of the fleet as of now; the same object until the fleet changes. */
  snapshot(): FleetView {
    if (this.#view === undefined || this.#isDirty) {
      this.#view = buildFleetView(
        Array.from(this.#nodes.values(), (tracked) => tracked.node),
        this.#view,
      )
      this.#isDirty = false
    }
    return this.#view
  }

  #set(node: FleetNode, lastSeenMs: number): void {
    this.#nodes.set(node.nodeId, { node, lastSeenMs })
    this.#isDirty = true
  }
}
