import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import { signEnvelope } from '@meson/protocol'
import type { CacheStats, Heartbeat, NodeId, SignedEnvelope } from '@meson/protocol'

/** Whether the node takes new work; `draining` in the last heartbeat before it stops. */
export type HeartbeatStatus = 'active' | 'draining'

/** What the node reports about itself each heartbeat (DESIGN.md §4.5). */
export interface NodeStats {
  /** Fraction of capacity in use, 0..1. */
  readonly load: number
  readonly freeDiskBytes: bigint
  /** Bytes served since start (cumulative). */
  readonly servedBytes: bigint
  readonly cache: CacheStats
  /** Requests being served right now. */
  readonly inflight: number
}

/** Body of `POST /v1/nodes/heartbeat` (protocol's `heartbeatRequestSchema`). */
export interface HeartbeatBody {
  readonly heartbeat: SignedEnvelope
}

/** Most commands taken from one heartbeat answer. */
export const MAX_COMMANDS_PER_HEARTBEAT = 1000

/** The 2xx answer to a heartbeat: signed commands for the node (verified one by one). */
export const heartbeatAnswerSchema = z.object({ commands: z.array(z.unknown()).max(MAX_COMMANDS_PER_HEARTBEAT).optional() })

/**
 * Builds the heartbeat body: everything, `status` and `acks` included, inside the
 * signed heartbeat (ADR 0008), so nobody between node and coordinator can drain the
 * node or acknowledge its commands.
 */
export function buildHeartbeatBody(parameters: {
  readonly nodeId: NodeId
  readonly privateKey: KeyObject
  readonly seq: number
  readonly nowMs: number
  readonly stats: NodeStats
  readonly status: HeartbeatStatus
  readonly acks: readonly string[]
}): HeartbeatBody {
  const { stats } = parameters
  const heartbeat: Heartbeat = {
    nodeId: parameters.nodeId,
    seq: parameters.seq,
    timestamp: parameters.nowMs,
    // A gauge from the stats provider; clamp so a momentary overshoot is not an invalid heartbeat.
    load: Math.min(1, Math.max(0, Number.isFinite(stats.load) ? stats.load : 0)),
    freeDiskBytes: stats.freeDiskBytes,
    servedBytes: stats.servedBytes,
    cache: stats.cache,
    inflight: stats.inflight,
    status: parameters.status,
    acks: [...parameters.acks],
  }
  return { heartbeat: signEnvelope('heartbeat', parameters.privateKey, heartbeat) }
}
