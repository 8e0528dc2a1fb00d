import { isIP } from 'node:net'
import { z } from 'zod'
import { parseByteSize } from '@meson/protocol'
import { parseBaseUnitsOrTokens } from '../ledger/token-amount.ts'

/**
 * The defaults and value schemas the coordinator's config schema (`config.ts`) is built
 * from: integers and booleans that arrive as text, prices and byte counts, URLs. Pure.
 */

/** 0.01 MSN per GiB. */
export const DEFAULT_PRICE_PER_GIB = 10n ** 16n
/** 0.001 MSN per GiB: the default floor of zone prices. */
export const DEFAULT_MIN_PRICE_PER_GIB = 10n ** 15n
/** 1000 MSN per GiB: the default ceiling of zone prices. */
export const DEFAULT_MAX_PRICE_PER_GIB = 10n ** 21n

/** How often nodes are told to heartbeat by default. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000

/**
 * Silence after which a node is down, by default: two missed heartbeats and a little
 * more (12 s at the default 5 s), so a killed node stops getting clients within 15 s.
 */
export function defaultNodeDownAfterMs(heartbeatIntervalMs: number): number {
  return Math.ceil(heartbeatIntervalMs * 2.4)
}
/** 1 MSN per GiB of proxy traffic (residential egress is priced far above CDN bytes). */
export const DEFAULT_PROXY_PRICE_PER_GIB = 10n ** 18n

/** 1 000 MSN per hour in the first year (Meson's daily pool was of this order). */
export const DEFAULT_EMISSION_PER_HOUR = 1000n * 10n ** 18n

/** Env and flags are text; a JSON file may hold numbers. Accept both for integers. */
export function integerFromText(value: unknown): unknown {
  return typeof value === 'string' && /^\s*[0-9]+\s*$/.test(value) ? Number(value) : value
}

export function boundedInteger(min: number, max: number) {
  const message = `expected an integer between ${min} and ${max}`
  return z.preprocess(integerFromText, z.int({ error: message }).min(min, { error: message }).max(max, { error: message }))
}

export const priceSchema = z.union([z.string(), z.bigint(), z.int()], { error: 'expected base units ("10000000000000000") or a token amount ("0.01 MSN")' }).transform((value, ctx) => {
  const parsed = parseBaseUnitsOrTokens(String(value).trim(), { minimum: 1n })
  if (parsed.ok) return parsed.value
  ctx.addIssue({ code: 'custom', message: parsed.reason })
  return z.NEVER
})

export const emissionSchema = z.union([z.string(), z.bigint(), z.int()], { error: 'expected base units or a token amount ("1000 MSN")' }).transform((value, ctx) => {
  const parsed = parseBaseUnitsOrTokens(String(value).trim(), { minimum: 0n })
  if (parsed.ok) return parsed.value
  ctx.addIssue({ code: 'custom', message: parsed.reason })
  return z.NEVER
})

/** Env and flags are text ("true", "1"); a flag without a value is `true`. */
export const booleanSchema = z.preprocess(
  (value) => (typeof value === 'string' ? ({ true: true, '1': true, false: false, '0': false } as Record<string, boolean>)[value.trim().toLowerCase()] ?? value : value),
  z.boolean({ error: 'expected true or false' }),
)

/** A byte count in base units: a decimal integer (text or a safe JSON integer), at least 1. */
export const byteCountSchema = z.union([z.string(), z.bigint(), z.int()], { error: 'expected a whole number of bytes' }).transform((value, ctx) => {
  const text = String(value).trim()
  if (/^[0-9]{1,20}$/.test(text) && BigInt(text) >= 1n && BigInt(text) <= 2n ** 63n - 1n) return BigInt(text)
  ctx.addIssue({ code: 'custom', message: 'expected a whole number of bytes between 1 and 2^63 - 1' })
  return z.NEVER
})

/** An absolute http(s) URL without credentials (it may be printed and logged). */
export const publicUrlSchema = z.string({ error: 'expected an http(s) URL' }).refine((text) => {
  if (!URL.canParse(text)) return false
  const url = new URL(text)
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === ''
}, { error: 'expected an http(s) URL without credentials' })

export const DB_URL = /^(sqlite:|file:|postgres:\/\/|postgresql:\/\/)/i
export const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i

/** True for localhost and loopback addresses (127.0.0.0/8, ::1), as URL hostnames or bare. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'))
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One point of the storage curve: bytes (a size like "20GB") and the factor from there. */
export interface StoragePoint {
  readonly bytes: bigint
  readonly factor: number
}

/**
 * The storage curve as text, `<size>:<factor>` pairs separated by commas
 * ("20GB:0.7,60GB:0.85,100GB:1"): sizes strictly ascending, factors in [0, 1] and never
 * falling (more disk never scores less).
 */
export const storagePointsSchema = z.string({ error: 'expected "<size>:<factor>,…"' }).transform((value, ctx): StoragePoint[] => {
  const points: StoragePoint[] = []
  for (const part of value.split(',')) {
    const [size = '', factorText = '', extra] = part.trim().split(':')
    const bytes = parseByteSize(size.trim())
    const factor = Number(factorText.trim())
    if (extra !== undefined || !bytes.ok || factorText.trim() === '' || !Number.isFinite(factor) || factor < 0 || factor > 1) {
      ctx.addIssue({ code: 'custom', message: `"${part.trim().slice(0, 40)}" is not <size>:<factor> with a factor in [0, 1] (e.g. "20GB:0.7")` })
      return z.NEVER
    }
    const previous = points.at(-1)
    if (previous !== undefined && (bytes.value <= previous.bytes || factor < previous.factor)) {
      ctx.addIssue({ code: 'custom', message: 'sizes must ascend and factors never fall' })
      return z.NEVER
    }
    points.push({ bytes: bytes.value, factor })
  }
  return points
})

/** A number in [0, 1] (env and flags are text). */
export const fraction = z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), z.number({ error: 'expected a number from 0 to 1' }).min(0).max(1))
