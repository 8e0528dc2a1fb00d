import { DEFAULT_BLOCKED_EXIT_PORTS, parseByteSize, parseExitAllowEntry, parseHostPort } from '@meson/protocol'
import type { ExitAllowEntry, ExitPolicy, Result } from '@meson/protocol'
import { fail, ok } from '@meson/protocol'

/** The proxy exit's settings as text (flags or environment). */
export interface ExitSettingsText {
  /** `host:port` of the gateway's tunnel port; undefined: this node is not an exit. */
  readonly proxyGateway?: string | undefined
  /** Comma-separated `ADDRESS:PORT` entries; the only way to reach loopback (local tests). */
  readonly exitAllow?: string | undefined
  /** A byte size such as `500GiB`. */
  readonly exitMonthlyCap?: string | undefined
  /** Bytes per second such as `10MiB`, per direction. */
  readonly exitBandwidth?: string | undefined
  /** `FROM-TO` UTC hours, e.g. `22-6`. */
  readonly exitHours?: string | undefined
  /** Comma-separated ports blocked on top of 25, 465 and 587. */
  readonly exitBlockedPorts?: string | undefined
}

/** Parsed exit settings: where the gateway is, and the policy. */
export interface ExitSettings {
  readonly gateway: { readonly host: string; readonly port: number }
  readonly policy: ExitPolicy
}

function parseList<T>(text: string | undefined, parse: (item: string) => T | undefined, what: string): Result<T[]> {
  const items: T[] = []
  for (const item of (text ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const parsed = parse(item)
    if (parsed === undefined) return fail(`${what}: cannot read "${item.slice(0, 64)}"`)
    items.push(parsed)
  }
  return ok(items)
}

function parsePort(text: string): number | undefined {
  return /^[0-9]{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535 ? Number(text) : undefined
}

/** Reads the exit settings; `undefined` value when the node is not an exit (no gateway). */
export function parseExitSettings(text: ExitSettingsText): Result<ExitSettings | undefined> {
  if (text.proxyGateway === undefined || text.proxyGateway === '') return ok(undefined)
  const gateway = parseHostPort(text.proxyGateway)
  if (gateway === undefined) return fail('--proxy-gateway must be host:port')
  const allow = parseList<ExitAllowEntry>(text.exitAllow, parseExitAllowEntry, '--exit-allow expects IP:PORT entries')
  if (!allow.ok) return allow
  const blocked = parseList(text.exitBlockedPorts, parsePort, '--exit-blocked-ports expects ports')
  if (!blocked.ok) return blocked
  let monthlyCapBytes: bigint | undefined
  if (text.exitMonthlyCap !== undefined) {
    const cap = parseByteSize(text.exitMonthlyCap)
    if (!cap.ok) return fail(`--exit-monthly-cap: ${cap.reason}`)
    monthlyCapBytes = cap.value
  }
  let bandwidthBytesPerSecond: number | undefined
  if (text.exitBandwidth !== undefined) {
    const rate = parseByteSize(text.exitBandwidth)
    if (!rate.ok || rate.value < 1n) return fail('--exit-bandwidth expects bytes per second such as 10MiB')
    bandwidthBytesPerSecond = Number(rate.value)
  }
  let allowedHoursUtc: ExitPolicy['allowedHoursUtc']
  if (text.exitHours !== undefined) {
    const match = /^([0-9]{1,2})-([0-9]{1,2})$/.exec(text.exitHours)
    const fromHour = Number(match?.[1])
    const toHour = Number(match?.[2])
    if (match === null || fromHour > 23 || toHour > 24 || fromHour === toHour) return fail('--exit-hours expects FROM-TO UTC hours such as 22-6')
    allowedHoursUtc = { fromHour, toHour }
  }
  return ok({
    gateway,
    policy: Object.freeze({
      blockedPorts: [...new Set([...DEFAULT_BLOCKED_EXIT_PORTS, ...blocked.value])],
      allow: allow.value,
      monthlyCapBytes,
      allowedHoursUtc,
      bandwidthBytesPerSecond,
    }),
  })
}
