/** A duration as a person reads it: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) return '—'
  const seconds = Math.floor(durationMs / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}

/** How long ago an ISO time was, relative to `nowMs` ("12 s ago"); "never" for null. */
export function formatAgo(iso: string | null | undefined, nowMs: number): string {
  if (iso === null || iso === undefined) return 'never'
  const thenMs = Date.parse(iso)
  if (Number.isNaN(thenMs)) return '—'
  return `${formatDuration(Math.max(0, nowMs - thenMs))} ago`
}
