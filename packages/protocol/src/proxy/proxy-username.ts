import type { Result } from '../result.ts'
import { fail, ok } from '../result.ts'

/** What a buyer asks for in the proxy username (the residential providers' convention). */
export interface ProxyUsername {
  /** The buyer's account id. */
  readonly account: string
  /** ISO 3166-1 alpha-2, lowercase; undefined = any country. */
  readonly country: string | undefined
  /** Sticky session id; undefined = a fresh exit per connection. */
  readonly session: string | undefined
  /** How long a sticky session keeps its exit, minutes; undefined = the gateway's default. */
  readonly sessionMinutes: number | undefined
}

/** Longest username accepted (RFC 1929 caps it at 255 bytes). */
export const MAX_PROXY_USERNAME_LENGTH = 255
/** Longest sticky session, in minutes (a day). */
export const MAX_SESSION_MINUTES = 1440

const TOKEN = /^[A-Za-z0-9_]{1,64}$/

/**
 * Parses `customer-<account>[-country-<cc>][-session-<id>][-sesstime-<minutes>]`. The
 * options come in that order, each at most once; values are `[A-Za-z0-9_]` (no `-`,
 * which separates the parts). Anything else is refused, never half-understood: a
 * misspelled `-contry-de` must not silently route through any country.
 */
export function parseProxyUsername(text: string): Result<ProxyUsername> {
  if (text.length === 0 || text.length > MAX_PROXY_USERNAME_LENGTH) return fail('the username is empty or too long')
  const parts = text.split('-')
  if (parts[0] !== 'customer' || parts.length % 2 !== 0) return fail('expected customer-<account>[-country-<cc>][-session-<id>][-sesstime-<minutes>]')
  const fields = new Map<string, string>()
  const order = ['customer', 'country', 'session', 'sesstime']
  let last = -1
  for (let index = 0; index < parts.length; index += 2) {
    const key = parts[index] ?? ''
    const value = parts[index + 1] ?? ''
    const position = order.indexOf(key)
    if (position === -1) return fail(`unknown username option "${key.slice(0, 32)}"`)
    if (position <= last) return fail(`username option "${key}" is repeated or out of order`)
    if (!TOKEN.test(value)) return fail(`username option "${key}" needs a value of letters, digits or _`)
    last = position
    fields.set(key, value)
  }
  const country = fields.get('country')?.toLowerCase()
  if (country !== undefined && !/^[a-z]{2}$/.test(country)) return fail('country must be a two-letter ISO 3166-1 code')
  const sesstime = fields.get('sesstime')
  let sessionMinutes: number | undefined
  if (sesstime !== undefined) {
    if (!fields.has('session')) return fail('sesstime needs a session')
    if (!/^[0-9]{1,4}$/.test(sesstime) || Number(sesstime) < 1 || Number(sesstime) > MAX_SESSION_MINUTES) {
      return fail(`sesstime must be 1..${MAX_SESSION_MINUTES} minutes`)
    }
    sessionMinutes = Number(sesstime)
  }
  return ok({ account: fields.get('customer') ?? '', country, session: fields.get('session'), sessionMinutes })
}

/** Builds the username for an account and options (what the API and the demo print). */
export function formatProxyUsername(options: { readonly account: string; readonly country?: string; readonly session?: string; readonly sessionMinutes?: number }): string {
  let text = `customer-${options.account}`
  if (options.country !== undefined) text += `-country-${options.country}`
  if (options.session !== undefined) text += `-session-${options.session}`
  if (options.sessionMinutes !== undefined) text += `-sesstime-${options.sessionMinutes}`
  return text
}
