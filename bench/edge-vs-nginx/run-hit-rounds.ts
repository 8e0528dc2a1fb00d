import type { BenchConfig } from './bench-config.ts'
import type { BenchObject } from './bench-objects.ts'
import type { BenchTarget } from './bench-target.ts'
import type { HitRun } from './compare-sides.ts'
import type { ProcessGroup } from './process-group.ts'
import { runWrk } from './run-wrk.ts'

export interface RunHitRoundsParameters {
  readonly config: BenchConfig
  readonly objects: readonly BenchObject[]
  readonly targets: readonly BenchTarget[]
  readonly wrkPath: string
  readonly group: ProcessGroup
  readonly log: (line: string) => void
}

/**
 * Loads each object through each side with wrk, A/B/A/B: every round runs every side
 * once, so a change in the machine's load during the run falls on both sides.
 */
export async function runHitRounds(parameters: RunHitRoundsParameters): Promise<HitRun[]> {
  const { config } = parameters
  const runs: HitRun[] = []
  for (const object of parameters.objects) {
    for (let round = 1; round <= config.rounds; round++) {
      for (const target of parameters.targets) {
        const wrk = await runWrk(parameters.group, {
          wrkPath: parameters.wrkPath,
          url: `${target.baseUrl}${object.path}`,
          threads: config.threads,
          connections: config.connections,
          duration: config.duration,
        })
        runs.push({ object: object.name, side: target.side, round, wrk })
        parameters.log(`${object.name} round ${round} ${target.side}: ${wrk.requestsPerSec.toFixed(1)} req/s, p99 ${wrk.latencyP99Ms.toFixed(2)} ms`)
      }
    }
  }
  return runs
}
