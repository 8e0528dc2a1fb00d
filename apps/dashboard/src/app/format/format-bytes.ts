const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const

/**
 * A byte count in binary units with three significant digits ("1.50 GiB", "12.3 MiB",
 * "512 B"). Accepts the API's decimal strings; bigint keeps counts past 2^53 exact
 * until the last division.
 */
export function formatBytes(bytes: bigint | string | number): string {
  const value = typeof bytes === 'bigint' ? bytes : BigInt(typeof bytes === 'number' ? Math.round(bytes) : bytes)
  const isNegative = value < 0n
  let magnitude = isNegative ? -value : value
  let unit = 0
  // Divide in bigint while the number is large, so the float below has full precision.
  while (magnitude >= 1024n ** 2n && unit < UNITS.length - 2) {
    magnitude /= 1024n
    unit++
  }
  // Exact: magnitude is below 2^20 here.
  let scaled = Number(magnitude)
  if (scaled >= 1024 && unit < UNITS.length - 1) {
    scaled /= 1024
    unit++
  }
  return `${isNegative ? '-' : ''}${unit === 0 ? String(Math.round(scaled)) : threeDigits(scaled)} ${UNITS[unit] ?? 'B'}`
}

/** Bytes per second ("1.20 MiB/s"). */
export function formatByteRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '—'
  return `${formatBytes(Math.round(bytesPerSecond))}/s`
}

function threeDigits(value: number): string {
  if (value >= 100) return value.toFixed(0)
  if (value >= 10) return value.toFixed(1)
  return value.toFixed(2)
}
