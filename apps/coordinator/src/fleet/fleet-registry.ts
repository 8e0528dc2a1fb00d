import type { KeyObject } from 'node:crypto'
import { publicKeyFromString, publicKeyObjectFrom } from '@meson/protocol'
import type { CacheStats, NodeId } from '@meson/protocol'
import type { FleetNodeRecord, NodeStatus } from './fleet-store.ts'

/** What the last heartbeat said (counters since the node started). */
export interface NodeLiveStats {
  readonly load: number
  readonly freeDiskBytes: bigint
  readonly servedBytes: bigint
  readonly cache: CacheStats
  readonly inflight: number
}

/** A node as the fleet knows it right now. */
export interface LiveNode {
  readonly record: FleetNodeRecord
  readonly verifyKey: KeyObject
  readonly status: NodeStatus
  readonly lastSeenMs: number
  /** Time of the last heartbeat accepted since this coordinator started, if any. */
  readonly lastHeartbeatMs: number | undefined
  readonly stats: NodeLiveStats | undefined
  /** `(timestamp, seq)` of the last accepted heartbeat; a replay is never above it. */
  readonly lastHeartbeatMark: { readonly timestampMs: number; readonly seq: number } | undefined
}

export type HeartbeatOutcome =
  | { readonly kind: 'accepted'; readonly previousStatus: NodeStatus; readonly status: NodeStatus }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'replayed' }

/**
 * The in-memory fleet: every registered node with its live state. Status rules:
 * `down` after `nodeDownAfterMs` without a heartbeat (the sweep); back to `active` (or
 * `pending` if the callback never reached it, `draining` if it says so) on its next
 * heartbeat. Changes are O(1); status changes and heartbeat times are collected for
 * the batched writes to the fleet store. `version` grows on every change that matters
 * to routing, so snapshots for the redirector are rebuilt only when needed.
 */
export class FleetRegistry {
  readonly #nodes = new Map<NodeId, LiveNode>()
  readonly #statusChanges = new Map<NodeId, NodeStatus>()
  readonly #heartbeatTimes = new Map<NodeId, number>()
  #version = 0

  get version(): number {
    return this.#version
  }

  get size(): number {
    return this.#nodes.size
  }

  get(nodeId: NodeId): LiveNode | undefined {
    return this.#nodes.get(nodeId)
  }

  list(): IterableIterator<LiveNode> {
    return this.#nodes.values()
  }

  /** The key to verify a node's heartbeats and reports with. */
  verifyKeyOf(nodeId: string): KeyObject | undefined {
    // A Map lookup with an unbranded string is safe: a wrong id just misses.
    return this.#nodes.get(nodeId as NodeId)?.verifyKey
  }

  /**
   * Adds or replaces a node as registered now: it counts as seen, its heartbeat marks
   * reset (a restarted node starts its seq again), its status is the record's.
   */
  upsert(record: FleetNodeRecord, nowMs: number): void {
    const verifyKey = keyObjectOf(record.publicKey)
    if (verifyKey === undefined) return
    const previous = this.#nodes.get(record.id)
    this.#nodes.set(record.id, {
      record,
      verifyKey,
      status: record.status,
      lastSeenMs: nowMs,
      lastHeartbeatMs: previous?.lastHeartbeatMs,
      stats: previous?.stats,
      lastHeartbeatMark: undefined,
    })
    this.#version++
  }

  /**
   * Loads nodes from the store at start. Nodes not down get a full `downAfterMs` of
   * grace (as if seen now): the coordinator was away, not them.
   */
  load(records: Iterable<FleetNodeRecord>, nowMs: number): void {
    for (const record of records) this.upsert(record, nowMs)
  }

  /** Applies a verified heartbeat; refuses one not newer than the last (a replay). */
  applyHeartbeat(
    nodeId: NodeId,
    heartbeat: { readonly seq: number; readonly timestampMs: number; readonly isDraining: boolean; readonly stats: NodeLiveStats },
    nowMs: number,
  ): HeartbeatOutcome {
    const node = this.#nodes.get(nodeId)
    if (node === undefined) return { kind: 'unknown' }
    const mark = node.lastHeartbeatMark
    if (mark !== undefined && !isAfter(heartbeat, mark)) return { kind: 'replayed' }
    const status: NodeStatus = heartbeat.isDraining ? 'draining' : node.record.isReachable ? 'active' : 'pending'
    this.#nodes.set(nodeId, {
      ...node,
      status,
      lastSeenMs: nowMs,
      lastHeartbeatMs: nowMs,
      stats: heartbeat.stats,
      lastHeartbeatMark: { timestampMs: heartbeat.timestampMs, seq: heartbeat.seq },
    })
    this.#heartbeatTimes.set(nodeId, nowMs)
    if (status !== node.status) this.#statusChanges.set(nodeId, status)
    // Load moves routing too, but a snapshot per heartbeat is cheap at this scale.
    this.#version++
    return { kind: 'accepted', previousStatus: node.status, status }
  }

  /** Marks down every node silent for `downAfterMs` or longer; returns their ids. */
  sweep(nowMs: number, downAfterMs: number): NodeId[] {
    const downed: NodeId[] = []
    for (const node of this.#nodes.values()) {
      if (node.status === 'down' || nowMs - node.lastSeenMs < downAfterMs) continue
      this.#nodes.set(node.record.id, { ...node, status: 'down' })
      this.#statusChanges.set(node.record.id, 'down')
      downed.push(node.record.id)
    }
    if (downed.length > 0) this.#version++
    return downed
  }

  /** Another node, not down, that registered from `publicIp` (one node per public IP). */
  findOtherHolderOfIp(publicIp: string, nodeId: NodeId): LiveNode | undefined {
    for (const node of this.#nodes.values()) {
      if (node.record.id !== nodeId && node.record.publicIp === publicIp && node.status !== 'down') return node
    }
    return undefined
  }

  /** Status changes since the last call, for one batched write. */
  takeStatusChanges(): { id: NodeId; status: NodeStatus }[] {
    const changes = [...this.#statusChanges].map(([id, status]) => ({ id, status }))
    this.#statusChanges.clear()
    return changes
  }

  /** Puts back what a failed write took, unless something newer arrived meanwhile. */
  requeue(statuses: readonly { id: NodeId; status: NodeStatus }[], heartbeats: readonly { id: NodeId; at: Date }[]): void {
    for (const change of statuses) if (!this.#statusChanges.has(change.id)) this.#statusChanges.set(change.id, change.status)
    for (const entry of heartbeats) if (!this.#heartbeatTimes.has(entry.id)) this.#heartbeatTimes.set(entry.id, entry.at.getTime())
  }

  /** Latest heartbeat times since the last call, for one batched write. */
  takeHeartbeatTimes(): { id: NodeId; at: Date }[] {
    const times = [...this.#heartbeatTimes].map(([id, atMs]) => ({ id, at: new Date(atMs) }))
    this.#heartbeatTimes.clear()
    return times
  }
}

function isAfter(heartbeat: { readonly seq: number; readonly timestampMs: number }, mark: { readonly timestampMs: number; readonly seq: number }): boolean {
  // Lexicographic on (timestamp, seq): a restarted node (seq from 0, later clock) passes,
  // a replay of the last or any earlier heartbeat does not.
  return heartbeat.timestampMs > mark.timestampMs || (heartbeat.timestampMs === mark.timestampMs && heartbeat.seq > mark.seq)
}

function keyObjectOf(publicKey: string): KeyObject | undefined {
  const raw = publicKeyFromString(publicKey)
  if (!raw.ok) return undefined
  const key = publicKeyObjectFrom(raw.value)
  return key.ok ? key.value : undefined
}
