import type { UsageRow } from './metering-store.ts'

export type UsageGranularity = 'hour' | 'day'

/** Milliseconds of one period. Days are UTC days (hour rows are UTC hours). */
export const PERIOD_MS: Readonly<Record<UsageGranularity, number>> = { hour: 3_600_000, day: 86_400_000 }

/** Usage summed over one period and one key (a zone, or a node). */
export interface UsageTotal {
  readonly key: string
  readonly periodStart: number
  readonly bytes: bigint
  readonly cost: bigint
}

/**
 * Sums hourly rows into periods of `granularity`, by `keyOf(row)` (the zone for buyers,
 * the node for operators). Ordered by period, then key. Pure and exact (bigint).
 */
export function rollUpUsage(rows: readonly UsageRow[], granularity: UsageGranularity, keyOf: (row: UsageRow) => string): UsageTotal[] {
  const periodMs = PERIOD_MS[granularity]
  const totals = new Map<string, { key: string; periodStart: number; bytes: bigint; cost: bigint }>()
  for (const row of rows) {
    const periodStart = row.hourStart - (row.hourStart % periodMs)
    const key = keyOf(row)
    const id = `${periodStart}\n${key}`
    const total = totals.get(id)
    if (total === undefined) totals.set(id, { key, periodStart, bytes: row.bytes, cost: row.cost })
    else {
      total.bytes += row.bytes
      total.cost += row.cost
    }
  }
  return [...totals.values()].sort((a, b) => a.periodStart - b.periodStart || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}
