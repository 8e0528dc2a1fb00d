import { z } from 'zod'
import { nodeIdSchema } from './node-id.ts'
import { signedEnvelopeSchema } from './signed-envelope.ts'
import { counterSchema, randomIdSchema, timestampMsSchema, uint64StringSchema } from './wire-scalars.ts'

/** Most command ids one heartbeat acknowledges. */
export const MAX_HEARTBEAT_ACKS = 1000

/** Cache counters since the node started. */
export const cacheStatsSchema = z.strictObject({
  hits: counterSchema,
  misses: counterSchema,
  objects: counterSchema,
  storedBytes: uint64StringSchema,
})

/**
 * A node's periodic heartbeat (DESIGN.md §4.5), signed by the node (purpose
 * 'heartbeat'). `seq` increases by one per heartbeat so the coordinator can drop
 * replays and notice gaps; `servedBytes` is cumulative since start.
 */
export const heartbeatSchema = z.strictObject({
  nodeId: nodeIdSchema,
  seq: counterSchema,
  timestamp: timestampMsSchema,
  /** Fraction of capacity in use, 0..1 (a gauge, not money: a float is fine). */
  load: z.number().min(0).max(1),
  freeDiskBytes: uint64StringSchema,
  servedBytes: uint64StringSchema,
  cache: cacheStatsSchema,
  inflight: counterSchema,
  /**
   * Ids of commands the node executed since its last answered heartbeat; absent means
   * none. Signed with the rest: a relay cannot acknowledge commands for the node.
   */
  acks: z.array(randomIdSchema).max(MAX_HEARTBEAT_ACKS).optional(),
  /**
   * 'draining' once the node stops taking new work (DESIGN.md §4.6); absent means active.
   * Signed with the rest: a relay cannot take a node out of routing.
   */
  status: z.enum(['active', 'draining']).optional(),
})

export type CacheStats = z.output<typeof cacheStatsSchema>
/** A heartbeat as code sees it (bigints parsed). */
export type Heartbeat = z.output<typeof heartbeatSchema>
/** A heartbeat as it travels (bigints as decimal strings). */
export type HeartbeatWire = z.input<typeof heartbeatSchema>

/**
 * Body of `POST /v1/nodes/heartbeat`: the signed heartbeat and nothing beside it. Status
 * and acks travel inside the signed payload (ADR 0008), so a body carrying them beside the
 * envelope (the pre-0008 shape) is refused rather than half-read.
 */
export const heartbeatRequestSchema = z.strictObject({ heartbeat: signedEnvelopeSchema })

/** The heartbeat request as it travels. */
export type HeartbeatRequest = z.input<typeof heartbeatRequestSchema>
