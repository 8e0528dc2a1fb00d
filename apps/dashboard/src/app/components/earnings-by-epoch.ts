import type { EarningJson } from '../api/api-types.ts'

export interface EpochEarnings {
  readonly epochId: string
  readonly usage: bigint
  readonly emission: bigint
  readonly total: bigint
}

/** Earnings rows (one per epoch and source) → one row per epoch, newest first, exact sums. */
export function earningsByEpoch(rows: readonly EarningJson[]): EpochEarnings[] {
  const epochs = new Map<string, { usage: bigint; emission: bigint }>()
  for (const row of rows) {
    const key = String(row.epochId)
    const entry = epochs.get(key) ?? { usage: 0n, emission: 0n }
    entry[row.source] += BigInt(row.amount)
    epochs.set(key, entry)
  }
  return [...epochs.entries()]
    .map(([epochId, entry]) => ({ epochId, ...entry, total: entry.usage + entry.emission }))
    .sort((a, b) => compareEpochIds(b.epochId, a.epochId))
}

/** Numeric ids compare as numbers ("10" after "9"), others as text. */
function compareEpochIds(a: string, b: string): number {
  const isNumeric = /^[0-9]+$/.test(a) && /^[0-9]+$/.test(b)
  if (isNumeric) return Number(BigInt(a) - BigInt(b))
  return a < b ? -1 : a > b ? 1 : 0
}
