import { z } from 'zod'
import { nodeIdSchema } from './node-id.ts'
import { counterSchema, timestampMsSchema, uint64StringSchema } from './wire-scalars.ts'

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
})

export type CacheStats = z.output<typeof cacheStatsSchema>
/** A heartbeat as code sees it (bigints parsed). */
export type Heartbeat = z.output<typeof heartbeatSchema>
/** A heartbeat as it travels (bigints as decimal strings). */
export type HeartbeatWire = z.input<typeof heartbeatSchema>
