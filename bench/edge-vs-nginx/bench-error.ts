import { BaseError } from '@meson/protocol'

/** Stable codes a bench failure carries; the runner prints the message and exits non-zero. */
export type BenchErrorCode =
  | 'BENCH_CONFIG_INVALID'
  | 'BENCH_TOOL_MISSING'
  | 'BENCH_SERVER_NOT_READY'
  | 'BENCH_SERVER_EXITED'
  | 'BENCH_WRK_FAILED'
  | 'BENCH_INTERRUPTED'

/** An error of the edge-vs-nginx benchmark harness. */
export class BenchError extends BaseError {
  override readonly name = 'BenchError'
  declare readonly code: BenchErrorCode

  constructor(code: BenchErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
