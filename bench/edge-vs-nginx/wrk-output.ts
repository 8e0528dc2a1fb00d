/** What one wrk run measured, parsed from its text report. */
export interface WrkResult {
  readonly requests: number
  readonly requestsPerSec: number
  /** A rate, not a byte count, so a float; wrk prints it in binary units (KB = 1024 B). */
  readonly transferBytesPerSec: number
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
  readonly latencyMaxMs: number
  readonly socketErrors: number
  readonly non2xxOr3xx: number
}

export type ParseWrkOutputResult = { readonly ok: true; readonly result: WrkResult } | { readonly ok: false; readonly reason: string }

const TIME_UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
// wrk's format_binary divides by 1024 per step.
const BYTE_UNIT: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }

function parseTimeMs(text: string): number | undefined {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text)
  if (match === null) return undefined
  const [, amount, unit] = match
  const factor = unit === undefined ? undefined : TIME_UNIT_MS[unit]
  return amount === undefined || factor === undefined ? undefined : Number(amount) * factor
}

function parseBytes(text: string): number | undefined {
  const match = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(text)
  if (match === null) return undefined
  const [, amount, unit] = match
  const factor = unit === undefined ? undefined : BYTE_UNIT[unit]
  return amount === undefined || factor === undefined ? undefined : Number(amount) * factor
}

function capture(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1]
}

/**
 * Parses the report of `wrk --latency` (wrk 4.x). A report missing a figure we need
 * (wrk could not connect, or was run without --latency) is a reason, not a throw.
 */
export function parseWrkOutput(stdout: string): ParseWrkOutputResult {
  const requestsPerSec = capture(stdout, /^Requests\/sec:\s+([\d.]+)\s*$/m)
  const transfer = capture(stdout, /^Transfer\/sec:\s+(\S+)\s*$/m)
  const requests = capture(stdout, /^\s*(\d+) requests in /m)
  const p50 = capture(stdout, /^\s*50(?:\.0+)?%\s+(\S+)\s*$/m)
  const p99 = capture(stdout, /^\s*99(?:\.0+)?%\s+(\S+)\s*$/m)
  const max = capture(stdout, /^\s*Latency\s+\S+\s+\S+\s+(\S+)/m)
  if (requestsPerSec === undefined || transfer === undefined || requests === undefined) {
    return { ok: false, reason: 'wrk printed no Requests/sec, Transfer/sec or request count' }
  }
  if (p50 === undefined || p99 === undefined || max === undefined) {
    return { ok: false, reason: 'wrk printed no latency distribution (was it run with --latency?)' }
  }
  const transferBytesPerSec = parseBytes(transfer)
  const latencyP50Ms = parseTimeMs(p50)
  const latencyP99Ms = parseTimeMs(p99)
  const latencyMaxMs = parseTimeMs(max)
  if (transferBytesPerSec === undefined || latencyP50Ms === undefined || latencyP99Ms === undefined || latencyMaxMs === undefined) {
    return { ok: false, reason: `wrk printed a unit this parser does not know (${transfer}, ${p50}, ${p99}, ${max})` }
  }
  const socketErrorCounts = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout)
  const socketErrors = socketErrorCounts === null ? 0 : socketErrorCounts.slice(1).reduce((sum, count) => sum + Number(count), 0)
  const non2xxOr3xx = Number(capture(stdout, /Non-2xx or 3xx responses: (\d+)/) ?? '0')
  return {
    ok: true,
    result: {
      requests: Number(requests),
      requestsPerSec: Number(requestsPerSec),
      transferBytesPerSec,
      latencyP50Ms,
      latencyP99Ms,
      latencyMaxMs,
      socketErrors,
      non2xxOr3xx,
    },
  }
}
