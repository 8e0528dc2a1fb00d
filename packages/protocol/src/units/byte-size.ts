import { z } from 'zod'
import { fail, ok } from '../result.ts'
import type { Result } from '../result.ts'
import { scaleDecimal } from './scale-decimal.ts'

/** Bytes in one GiB (2^30); prices are quoted per GiB. */
export const GIB = 1073741824n

/** Largest accepted size: a signed 64-bit integer, what PostgreSQL `bigint` stores. */
export const MAX_BYTE_SIZE = 2n ** 63n - 1n

/** IEC binary units (powers of 1024) and SI decimal units (powers of 1000). */
const UNIT_BYTES: Readonly<Record<string, bigint>> = {
  B: 1n,
  KiB: 1024n,
  MiB: 1024n ** 2n,
  GiB: GIB,
  TiB: 1024n ** 4n,
  kB: 1000n,
  KB: 1000n,
  MB: 1000n ** 2n,
  GB: 1000n ** 3n,
  TB: 1000n ** 4n,
}

const BYTE_SIZE = /^(\d+(?:\.\d+)?) ?([A-Za-z]+)?$/

/**
 * Parses a size like "10GiB", "1.5 GiB", "500 MB" or "4096" (plain bytes) into bytes.
 * Units are case-sensitive (`Mb` is not `MB`); decimals must yield whole bytes; the
 * result must fit in a signed 64-bit integer.
 */
export function parseByteSize(text: string): Result<bigint> {
  const match = BYTE_SIZE.exec(text)
  if (match === null) return fail(`"${text.slice(0, 40)}" is not a byte size like "10GiB" or "500 MB"`)
  const unit = match[2] ?? 'B'
  const unitBytes = UNIT_BYTES[unit]
  if (unitBytes === undefined) return fail(`unknown unit "${unit}" (use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)`)
  const scaled = scaleDecimal(match[1] ?? '', unitBytes, 30)
  if (!scaled.ok) return scaled
  if (scaled.value > MAX_BYTE_SIZE) return fail('byte size is larger than 2^63 - 1')
  return ok(scaled.value)
}

const DISPLAY_UNITS = [
  ['TiB', 1024n ** 4n],
  ['GiB', GIB],
  ['MiB', 1024n ** 2n],
  ['KiB', 1024n],
] as const

/**
 * Formats bytes for people: the largest binary unit that keeps the number ≥ 1, with at
 * most two decimals, truncated (never rounded up, so "1023.99 KiB" never reads "1 MiB"),
 * trailing zeros trimmed: 10737418240n → "10 GiB", 1536n → "1.5 KiB", 512n → "512 B".
 */
export function formatByteSize(bytes: bigint): string {
  const sign = bytes < 0n ? '-' : ''
  const magnitude = bytes < 0n ? -bytes : bytes
  for (const [unit, unitBytes] of DISPLAY_UNITS) {
    if (magnitude >= unitBytes) {
      const hundredths = (magnitude * 100n) / unitBytes
      return `${sign}${formatHundredths(hundredths)} ${unit}`
    }
  }
  return `${sign}${magnitude} B`
}

function formatHundredths(hundredths: bigint): string {
  const whole = hundredths / 100n
  const fraction = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '')
  return fraction === '' ? `${whole}` : `${whole}.${fraction}`
}

/** Zod schema for config: accepts a byte-size string and outputs bytes as bigint. */
export const byteSizeSchema = z.string().transform((text, ctx) => {
  const parsed = parseByteSize(text)
  if (parsed.ok) return parsed.value
  ctx.addIssue({ code: 'custom', message: parsed.reason })
  return z.NEVER
})
