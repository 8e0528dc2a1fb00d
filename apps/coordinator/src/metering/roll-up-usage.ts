import type { CountryUsageRow, UsageRow } from './metering-store.ts'

export type UsageGranularity = 'hour' | 'day'

/** Milliseconds of one period. Days are UTC days (hour rows are UTC hours). */
export const PERIOD_MS: Readonly<Record<UsageGranularity, number>> = { hour: 3_600_000, day: 86_400_000 }

/** Usage summed over one period and one key (a zone, or a node). */
export interface UsageTotal {
  readonly key: string
  readonly periodStart: number
  readonly bytes: bigint
  readonly cost: bigint
  readonly requests: number
}

/** Usage of one period and key that went to one country. */
export interface CountryTotal {
  readonly country: string
  readonly bytes: bigint
  readonly requests: number
}

/**
 * Sums hourly rows into periods of `granularity`, by `keyOf(row)` (the zone for buyers,
 * the node for operators). Ordered by period, then key. Pure and exact (bigint).
 */
export function rollUpUsage(rows: readonly UsageRow[], granularity: UsageGranularity, keyOf: (row: UsageRow) => string): UsageTotal[] {
  const periodMs = PERIOD_MS[granularity]
  const totals = new Map<string, { key: string; periodStart: number; bytes: bigint; cost: bigint; requests: number }>()
  for (const row of rows) {
    const periodStart = row.hourStart - (row.hourStart % periodMs)
    const key = keyOf(row)
    const id = `${periodStart}\n${key}`
    const total = totals.get(id)
    if (total === undefined) totals.set(id, { key, periodStart, bytes: row.bytes, cost: row.cost, requests: row.requests })
    else {
      total.bytes += row.bytes
      total.cost += row.cost
      total.requests += row.requests
    }
  }
  return [...totals.values()].sort((a, b) => a.periodStart - b.periodStart || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** The id `rollUpCountryUsage` files a period's countries under. */
export function periodKeyId(periodStart: number, key: string): string {
  return `${periodStart}\n${key}`
}

/**
 * Sums hourly by-country rows into periods of `granularity`, by `keyOf(row)` and country:
 * a map from {@link periodKeyId} to that period's countries, ordered by country. Pure.
 */
export function rollUpCountryUsage(rows: readonly CountryUsageRow[], granularity: UsageGranularity, keyOf: (row: CountryUsageRow) => string): Map<string, CountryTotal[]> {
  const periodMs = PERIOD_MS[granularity]
  const byPeriod = new Map<string, Map<string, { bytes: bigint; requests: number }>>()
  for (const row of rows) {
    const id = periodKeyId(row.hourStart - (row.hourStart % periodMs), keyOf(row))
    const countries = byPeriod.get(id) ?? new Map<string, { bytes: bigint; requests: number }>()
    byPeriod.set(id, countries)
    const total = countries.get(row.country)
    if (total === undefined) countries.set(row.country, { bytes: row.bytes, requests: row.requests })
    else {
      total.bytes += row.bytes
      total.requests += row.requests
    }
  }
  const result = new Map<string, CountryTotal[]>()
  for (const [id, countries] of byPeriod) {
    const list = [...countries].map(([country, total]) => ({ country, bytes: total.bytes, requests: total.requests }))
    result.set(id, list.sort((a, b) => (a.country < b.country ? -1 : a.country > b.country ? 1 : 0)))
  }
  return result
}
