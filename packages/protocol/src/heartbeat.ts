import { z } from 'zod'
import { nodeIdSchema } from './node-id.ts'
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
   * Ids of commands the node executed since its last answered heartbeat. Optional (and
   * signed when present): older nodes send it beside the envelope instead.
   */
  acks: z.array(randomIdSchema).max(MAX_HEARTBEAT_ACKS).optional(),
  /** 'draining' once the node stops taking new work (DESIGN.md §4.6); absent means active. */
  status: z.enum(['active', 'draining']).optional(),
})

export type CacheStats = z.output<typeof cacheStatsSchema>
/** A heartbeat as code sees it (bigints parsed). */
export type Heartbeat = z.output<typeof heartbeatSchema>
/** A heartbeat as it travels (bigints as decimal strings). */
export type HeartbeatWire = z.input<typeof heartbeatSchema>
