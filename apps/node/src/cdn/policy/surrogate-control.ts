import type { HeaderMap } from './header-map.ts'

/**
 * `Surrogate-Control` (W3C Edge Architecture Specification 1.0, 2001, §2.2): the origin's
 * instructions to surrogates (reverse proxies, CDNs) only, taking precedence over
 * `Cache-Control` for them, and removed before the response goes on to clients.
 *
 *   Surrogate-Control = 1#surrogate-control-directive
 *   surrogate-control-directive = control-directive [ ";" device-token ]
 *   control-directive = "no-store" | "no-store-remote" | "max-age" "=" delta-seconds
 *                       [ "+" delta-seconds ] | "content" "=" quoted-string | extension
 *
 * A directive with a device token is for that surrogate only; "targeted directives
 * override non-targeted ones": once any directive names us, the untargeted ones are
 * ignored. A CDN node is a remote surrogate, so `no-store-remote` means `no-store`.
 */
export interface SurrogateControl {
  /** `max-age`, the freshness lifetime for this surrogate (the `+` stale part is not used). */
  readonly maxAgeSeconds: number | undefined
  readonly isNoStore: boolean
}

/** The default device token a node answers to in targeted directives (`max-age=60;meson`); `--surrogate-target` sets another. */
export const SURROGATE_DEVICE_TOKEN = 'meson'

interface Directive {
  readonly name: string
  readonly value: string | undefined
  readonly target: string | undefined
}

/** Parses the field for `deviceToken`; undefined when it is absent or says nothing to us. */
export function parseSurrogateControl(fieldValue: string | undefined, deviceToken: string = SURROGATE_DEVICE_TOKEN): SurrogateControl | undefined {
  if (fieldValue === undefined) return undefined
  const directives = splitOutsideQuotes(fieldValue, ',').map(parseDirective).filter((directive) => directive.name !== '')
  const token = deviceToken.toLowerCase()
  const targeted = directives.filter((directive) => directive.target === token)
  const applicable = targeted.length > 0 ? targeted : directives.filter((directive) => directive.target === undefined)
  if (applicable.length === 0) return undefined
  let maxAgeSeconds: number | undefined
  let isNoStore = false
  for (const directive of applicable) {
    if (directive.name === 'no-store' || directive.name === 'no-store-remote') isNoStore = true
    if (directive.name === 'max-age' && maxAgeSeconds === undefined) {
      const seconds = /^(\d+)(?:\+\d+)?$/.exec(directive.value ?? '')?.[1]
      // RFC 9111 §1.2.2-style delta-seconds: huge values are capped, not rejected.
      if (seconds !== undefined) maxAgeSeconds = Math.min(Number(seconds), 2 ** 31)
    }
  }
  return { maxAgeSeconds, isNoStore }
}

/**
 * The response's fields with `Surrogate-Control` resolved for `deviceToken` once, as
 * they arrive from the origin: the field is replaced by the untargeted directives that
 * apply to this node (`max-age=60, no-store`), or removed when none does. Every later
 * reading (storability, freshness, a restart) then agrees whatever the node's device
 * token, and the policy functions need no setting.
 */
export function resolveSurrogateControl(headers: HeaderMap, deviceToken: string): HeaderMap {
  const fieldValue = headers['surrogate-control']
  if (fieldValue === undefined) return headers
  const resolved = parseSurrogateControl(fieldValue, deviceToken)
  const { 'surrogate-control': _dropped, ...rest } = headers
  const directives = [
    ...(resolved?.maxAgeSeconds === undefined ? [] : [`max-age=${resolved.maxAgeSeconds}`]),
    ...(resolved?.isNoStore === true ? ['no-store'] : []),
  ]
  return directives.length === 0 ? rest : { ...rest, 'surrogate-control': directives.join(', ') }
}

function parseDirective(text: string): Directive {
  const [body = '', target] = splitOutsideQuotes(text, ';').map((part) => part.trim())
  const equals = body.indexOf('=')
  const name = (equals === -1 ? body : body.slice(0, equals)).trim().toLowerCase()
  const rawValue = equals === -1 ? undefined : body.slice(equals + 1).trim()
  const value = rawValue?.startsWith('"') === true && rawValue.endsWith('"') && rawValue.length >= 2 ? rawValue.slice(1, -1) : rawValue
  return { name, value, target: target === undefined || target === '' ? undefined : target.toLowerCase() }
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = []
  let current = ''
  let isQuoted = false
  for (const char of text) {
    if (char === '"') isQuoted = !isQuoted
    if (char === separator && !isQuoted) {
      parts.push(current)
      current = ''
    } else {
      current += char
    }
  }
  parts.push(current)
  return parts
}
