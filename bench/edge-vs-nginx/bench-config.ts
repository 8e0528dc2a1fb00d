import { z } from 'zod'
import { BenchError } from './bench-error.ts'

/** The servers a run can compare; `origin` (no cache at all) is a baseline, off by default. */
export const SIDES = ['nginx', 'node', 'origin'] as const
export type Side = (typeof SIDES)[number]

/** Everything a run can be told from the environment, parsed once and frozen. */
export interface BenchConfig {
  /** wrk's `-d`, e.g. `10s`. */
  readonly duration: string
  readonly connections: number
  readonly threads: number
  /** How many A/B rounds per object (each round runs every side once). */
  readonly rounds: number
  readonly sides: readonly Side[]
  /** Distinct uncached `/slow/<n>` URLs fetched one after another per side. */
  readonly slowRequestCount: number
  /** Concurrent requests to one fresh slow URL (request collapsing check). */
  readonly collapseConcurrency: number
  readonly slowDelayMs: number
  /** Extra flags for `meson-net node`, split on whitespace. */
  readonly nodeExtraArgs: readonly string[]
  readonly nodeCacheSize: string
  readonly nodeMemoryCache: string
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

const envSchema = z.object({
  DURATION: z
    .string()
    .regex(/^\d+[smh]?$/, 'a wrk duration such as 10s, 30s or 1m')
    .default('10s'),
  CONNECTIONS: positiveInt(50),
  THREADS: positiveInt(1),
  ROUNDS: positiveInt(2),
  SIDES: z
    .string()
    .default('nginx,node')
    .transform((value) => value.split(',').map((side) => side.trim()).filter((side) => side !== ''))
    .pipe(z.array(z.enum(SIDES)).min(1)),
  SLOW_REQUESTS: positiveInt(20),
  COLLAPSE_CONCURRENCY: positiveInt(50),
  SLOW_DELAY_MS: positiveInt(200),
  NODE_ARGS: z.string().default(''),
  NODE_CACHE_SIZE: z.string().default('10GiB'),
  NODE_MEMORY_CACHE: z.string().default('256MiB'),
})

/** Parses the bench's environment variables; a bad value is a BenchError naming the variable. */
export function parseBenchConfig(env: Readonly<Record<string, string | undefined>>): BenchConfig {
  // Empty strings count as "not set", the way a shell user means `DURATION= ./run.sh`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new BenchError('BENCH_CONFIG_INVALID', 'Invalid benchmark setting in the environment.', { details })
  }
  const value = parsed.data
  return Object.freeze({
    duration: value.DURATION,
    connections: value.CONNECTIONS,
    threads: value.THREADS,
    rounds: value.ROUNDS,
    sides: Object.freeze([...new Set(value.SIDES)]),
    slowRequestCount: value.SLOW_REQUESTS,
    collapseConcurrency: value.COLLAPSE_CONCURRENCY,
    slowDelayMs: value.SLOW_DELAY_MS,
    nodeExtraArgs: Object.freeze(value.NODE_ARGS.split(/\s+/).filter((arg) => arg !== '')),
    nodeCacheSize: value.NODE_CACHE_SIZE,
    nodeMemoryCache: value.NODE_MEMORY_CACHE,
  })
}
