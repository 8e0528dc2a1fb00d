import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import { precheckExitTarget } from '@meson/protocol'
import type { AccountId, ExitPolicy, ProxyUsername } from '@meson/protocol'
import type { ExitPool, PooledExit } from '../../proxy/exit-pool.ts'
import type { MeteredConnection, ProxyMeter } from '../../proxy/proxy-meter.ts'
import type { ExitTunnel, OpenStreamRefusal } from './exit-tunnel.ts'

/** Why a proxied connection could not be opened; each front end maps it to its own reply. */
export type ProxyFailure = OpenStreamRefusal | 'no-balance' | 'no-exit' | 'unknown-country'

export type OpenProxiedStreamResult =
  | { readonly ok: true; readonly stream: Duplex; readonly exit: PooledExit<ExitTunnel>; readonly meter: MeteredConnection }
  | { readonly ok: false; readonly reason: ProxyFailure }

export interface ProxyRouting {
  readonly pool: ExitPool<ExitTunnel>
  readonly policy: ExitPolicy
  readonly meter: ProxyMeter
  /** Default sticky session length when the username has no sesstime. */
  readonly sessionMs: number
}

/** Refusals that are the exit's own (not the target's): the next exit may do better. */
const EXIT_SPECIFIC: ReadonlySet<ProxyFailure> = new Set(['monthly-cap', 'outside-hours', 'tunnel-lost'])
const MAX_EXITS_TRIED = 3

/** Connection ids (the idempotency key of their charges): a random prefix per process and a counter, no random bytes per connection. */
const CONNECTION_ID_PREFIX = randomBytes(12).toString('base64url')
let connectionCount = 0

/**
 * The path every front end shares: mirror-check the target with the exit policy, refuse
 * a buyer without balance before any byte, pick the exit (sticky session or fresh; same
 * country only) and open a stream through its tunnel (a data connection, else HTTP/2). An exit refusing for a
 * reason of its own (cap, hours, tunnel gone) is skipped for the next one in the same
 * country; a refusal about the target is the answer.
 */
export async function openProxiedStream(route: ProxyUsername, host: string, port: number, routing: ProxyRouting): Promise<OpenProxiedStreamResult> {
  const precheck = precheckExitTarget(host, port, routing.policy)
  if (!precheck.allowed) return { ok: false, reason: precheck.reason }
  const accountId = route.account as AccountId // parsed from a username that authenticated against this account's secret
  const balance = await routing.meter.balanceOf(accountId)
  if (balance <= 0n) return { ok: false, reason: 'no-balance' }
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
  const tried = new Set<string>()
  let last: ProxyFailure = 'no-exit'
  for (let attempt = 0; attempt < MAX_EXITS_TRIED; attempt += 1) {
    const picked = routing.pool.pick({
      account: route.account,
      country: route.country,
      session: route.session,
      sessionMs: route.sessionMinutes === undefined ? routing.sessionMs : route.sessionMinutes * 60_000,
      exclude: tried,
    })
    if (!picked.ok) return { ok: false, reason: attempt === 0 ? picked.reason : last }
    const opened = await picked.exit.tunnel.open(authority)
    if (opened.ok) {
      const meter = routing.meter.open(
        { connectionId: `${CONNECTION_ID_PREFIX}.${(connectionCount += 1).toString(36)}`, accountId, nodeId: picked.exit.nodeId, operatorId: picked.exit.operatorId as AccountId, session: route.session ?? '' },
        balance,
      )
      return { ok: true, stream: opened.stream, exit: picked.exit, meter }
    }
    if (!EXIT_SPECIFIC.has(opened.reason)) return { ok: false, reason: opened.reason }
    tried.add(picked.exit.nodeId)
    last = opened.reason
  }
  return { ok: false, reason: last }
}
