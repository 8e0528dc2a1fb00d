import type { Side } from './bench-config.ts'
import { BenchError } from './bench-error.ts'

/** Absolute paths of the external programs a run needs. */
export interface Tools {
  readonly wrk: string
  /** Undefined when nginx is not among the sides to run. */
  readonly nginx: string | undefined
}

/**
 * Finds wrk (always) and nginx (when it is a side). A missing one is a
 * BENCH_TOOL_MISSING error whose details say how to install it or how to run without it.
 */
export async function locateTools(sides: readonly Side[], find: (name: string) => Promise<string | undefined>): Promise<Tools> {
  const wrk = await find('wrk')
  const nginx = sides.includes('nginx') ? await find('nginx') : undefined
  const missing: string[] = []
  if (wrk === undefined) missing.push('wrk')
  if (sides.includes('nginx') && nginx === undefined) missing.push('nginx')
  if (wrk === undefined || missing.length > 0) {
    const withoutNginx = missing.includes('nginx') ? ' Or leave nginx out: SIDES=node.' : ''
    throw new BenchError('BENCH_TOOL_MISSING', `${missing.join(' and ')} not found on PATH or in /usr/sbin.`, {
      details: `Install with: sudo apt-get install ${missing.join(' ')} (Debian/Ubuntu), or brew install ${missing.join(' ')} (macOS).${withoutNginx}`,
    })
  }
  return { wrk, nginx }
}
