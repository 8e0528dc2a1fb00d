/** A ratio 0..1 as a percentage with one decimal ("42.0 %"); "—" when unknown. */
export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—'
  return `${(ratio * 100).toFixed(1)} %`
}
