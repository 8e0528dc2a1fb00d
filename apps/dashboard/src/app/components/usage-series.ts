import type { UsageRowJson } from '../api/api-types.ts'

export interface UsageSeries {
  /** Period starts, seconds since the epoch, ascending. */
  readonly times: number[]
  /** One line per zone and product ("demo · cdn"), values aligned with `times`. */
  readonly series: { readonly label: string; readonly values: (number | null)[] }[]
}

/** The periods of a query: every period start from `fromMs` (rounded down) to before `toMs`. */
export interface PeriodGrid {
  readonly fromMs: number
  readonly toMs: number
  readonly periodMs: number
}

/** Most periods drawn: a grid finer than this falls back to the rows' own periods. */
const MAX_GRID_PERIODS = 1_000

/**
 * Usage rows → aligned chart series of `measure` (bytes or requests) per zone and
 * product. Rows without the measure are skipped. With a `grid`, every period of the
 * query is on the time axis and a period without usage is 0 (the API lists only periods
 * with usage); without one, a period missing for a line is null.
 */
export function buildUsageSeries(rows: readonly UsageRowJson[], measure: (row: UsageRowJson) => number | undefined, grid?: PeriodGrid): UsageSeries {
  const rowTimes = rows.map((row) => Date.parse(row.periodStart) / 1000)
  const gridTimes: number[] = []
  if (grid !== undefined && grid.periodMs > 0 && (grid.toMs - grid.fromMs) / grid.periodMs <= MAX_GRID_PERIODS) {
    for (let startMs = grid.fromMs - (grid.fromMs % grid.periodMs); startMs < grid.toMs; startMs += grid.periodMs) gridTimes.push(startMs / 1000)
  }
  const emptyValue = gridTimes.length > 0 ? 0 : null
  const times = [...new Set([...gridTimes, ...rowTimes])].sort((a, b) => a - b)
  const index = new Map(times.map((time, position) => [time, position]))
  const lines = new Map<string, (number | null)[]>()
  for (const row of rows) {
    const value = measure(row)
    if (value === undefined) continue
    const label = `${row.zone ?? row.nodeId ?? 'all'} · ${row.product ?? 'cdn'}`
    let values = lines.get(label)
    if (values === undefined) {
      values = times.map(() => emptyValue)
      lines.set(label, values)
    }
    const position = index.get(Date.parse(row.periodStart) / 1000)
    if (position !== undefined) values[position] = (values[position] ?? 0) + value
  }
  return { times, series: [...lines.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, values]) => ({ label, values })) }
}

/** Sums a decimal-string field over rows, exactly. */
export function sumField(rows: readonly UsageRowJson[], field: (row: UsageRowJson) => string | undefined): bigint {
  let total = 0n
  for (const row of rows) {
    const value = field(row)
    if (value !== undefined && /^[0-9]+$/.test(value)) total += BigInt(value)
  }
  return total
}

/** Bytes and requests per client country, summed over the rows' `byCountry` (most bytes first). */
export function usageByCountry(rows: readonly UsageRowJson[]): { country: string; bytes: bigint; requests: number }[] {
  const totals = new Map<string, { bytes: bigint; requests: number }>()
  for (const row of rows) {
    for (const part of row.byCountry ?? []) {
      if (!/^[0-9]+$/.test(part.bytes)) continue
      const total = totals.get(part.country) ?? { bytes: 0n, requests: 0 }
      totals.set(part.country, { bytes: total.bytes + BigInt(part.bytes), requests: total.requests + part.requests })
    }
  }
  return [...totals.entries()].map(([country, total]) => ({ country, ...total })).sort((a, b) => (b.bytes > a.bytes ? 1 : b.bytes < a.bytes ? -1 : 0))
}
