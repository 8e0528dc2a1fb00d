import type { Side } from './bench-config.ts'
import type { WrkResult } from './wrk-output.ts'

/** One wrk run of one object against one side. */
export interface HitRun {
  readonly object: string
  readonly side: Side
  readonly round: number
  readonly wrk: WrkResult
}

/** The mean of a side's runs for one object. */
export interface SideMean {
  readonly side: Side
  readonly runs: number
  readonly requestsPerSec: number
  readonly transferBytesPerSec: number
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
  readonly errors: number
}

/** How the sides compare on one object. */
export interface ObjectComparison {
  readonly object: string
  readonly means: readonly SideMean[]
  /** Mean req/s of the node over nginx's; undefined when either side did not run. */
  readonly nodeOverNginx: number | undefined
  readonly targetRatio: number
  readonly meetsTarget: boolean | undefined
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length
}

/** Averages each side's runs (every round counts the same) for one side and object. */
export function meanOfSide(runs: readonly HitRun[], object: string, side: Side): SideMean | undefined {
  const own = runs.filter((run) => run.object === object && run.side === side)
  if (own.length === 0) return undefined
  return {
    side,
    runs: own.length,
    requestsPerSec: mean(own.map((run) => run.wrk.requestsPerSec)),
    transferBytesPerSec: mean(own.map((run) => run.wrk.transferBytesPerSec)),
    latencyP50Ms: mean(own.map((run) => run.wrk.latencyP50Ms)),
    latencyP99Ms: mean(own.map((run) => run.wrk.latencyP99Ms)),
    errors: own.reduce((sum, run) => sum + run.wrk.socketErrors + run.wrk.non2xxOr3xx, 0),
  }
}

/** Compares the sides on one object: means per side, and node/nginx against the target. */
export function compareSides(runs: readonly HitRun[], object: string, sides: readonly Side[], targetRatio: number): ObjectComparison {
  const means = sides.map((side) => meanOfSide(runs, object, side)).filter((value) => value !== undefined)
  const nginx = means.find((value) => value.side === 'nginx')
  const node = means.find((value) => value.side === 'node')
  const nodeOverNginx = nginx === undefined || node === undefined || nginx.requestsPerSec === 0 ? undefined : node.requestsPerSec / nginx.requestsPerSec
  return { object, means, nodeOverNginx, targetRatio, meetsTarget: nodeOverNginx === undefined ? undefined : nodeOverNginx >= targetRatio }
}
