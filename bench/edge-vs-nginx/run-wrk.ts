import { BenchError } from './bench-error.ts'
import type { ProcessGroup } from './process-group.ts'
import { parseWrkOutput, type WrkResult } from './wrk-output.ts'

export interface RunWrkParameters {
  readonly wrkPath: string
  readonly url: string
  readonly threads: number
  readonly connections: number
  readonly duration: string
}

/** Runs one `wrk --latency` load and returns its parsed report. */
export async function runWrk(group: ProcessGroup, parameters: RunWrkParameters): Promise<WrkResult> {
  const args = ['-t', String(parameters.threads), '-c', String(parameters.connections), '-d', parameters.duration, '--latency', parameters.url]
  const wrk = group.start('wrk', parameters.wrkPath, args)
  const exit = await wrk.exited
  const parsed = parseWrkOutput(wrk.outputTail())
  if (exit !== 0 || !parsed.ok) {
    throw new BenchError('BENCH_WRK_FAILED', `wrk against ${parameters.url} failed (exit ${String(exit)}).`, {
      details: `${parsed.ok ? '' : `${parsed.reason}\n`}${wrk.outputTail().trim()}`,
    })
  }
  return parsed.result
}
