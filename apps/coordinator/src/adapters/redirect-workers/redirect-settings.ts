import type { CoordinatorConfig } from '../../config/config.ts'
import { sizedTicketBudget } from '../../metering/object-budgets.ts'
import type { CountryLookup } from '../../routing/country-lookup.ts'
import type { FleetView } from '../../routing/fleet-view.ts'
import type { ZoneDirectory } from '../../routing/zone-directory.ts'
import { issueTicket } from '../../tickets/issue-ticket.ts'
import type { CoordinatorTicketKeys } from '../../tickets/coordinator-ticket-keys.ts'
import { createRedirector } from '../http/routes/routing/redirect-route.ts'
import type { Redirector } from '../http/routes/routing/redirect-route.ts'
import type { OriginAgents } from '../http/routes/routing/fetch-from-origin.ts'
import type { CountRedirect } from '../http/routes/routing/redirect-metrics.ts'

/**
 * Everything a redirect decision depends on besides its snapshots, as plain data: the
 * primary builds it once from its config, and sends it to every redirect worker (ADR 0016,
 * fifth session), so both decide with the same settings.
 */
export interface RedirectSettings {
  readonly trustProxy: boolean
  readonly ticketTtlMs: number
  readonly ticketByteBudget: bigint
  /** 0: sizing off, no per-redirect budget lookup. */
  readonly ticketBudgetResponses: number
  readonly originTimeoutMs: number
  /** Hosts that are the coordinator itself (lowercase, without port): never a custom domain. */
  readonly ownHosts: readonly string[]
}

export function redirectSettingsOf(config: CoordinatorConfig, ownHosts: Iterable<string>): RedirectSettings {
  return {
    trustProxy: config.trustProxy,
    ticketTtlMs: config.ticketTtlMs,
    ticketByteBudget: config.ticketByteBudget,
    ticketBudgetResponses: config.ticketBudgetResponses,
    originTimeoutMs: config.originFallbackTimeoutMs,
    ownHosts: [...ownHosts],
  }
}

/** What the redirector reads per request: the primary's live sources, or a worker's copies of them. */
export interface RedirectSources {
  readonly fleetView: () => FleetView
  readonly zones: () => ZoneDirectory
  /** The measured bytes of one response of an object (metering's `ObjectBudgets`), if known. */
  readonly perResponseBytes: (zone: string, path: string) => bigint | undefined
}

export interface RedirectRuntime {
  readonly geo: CountryLookup
  readonly ticketKeys: CoordinatorTicketKeys
  readonly now: () => number
  readonly originAgents: OriginAgents
  readonly countRedirect: CountRedirect
  /** Ticket nonces (tests pass a deterministic source); default pooled CSPRNG. */
  readonly newNonce?: () => string
}

/**
 * The one redirector of the primary and of every redirect worker: `createRedirector` (so
 * `decideRedirect`) on `sources` with `settings`. Equal settings, sources, clock and nonces
 * give equal answers, byte for byte (tested in `redirect-snapshot.test.ts`).
 */
export function redirectorOn(settings: RedirectSettings, sources: RedirectSources, runtime: RedirectRuntime): Redirector {
  const { ticketKeys } = runtime
  return createRedirector({
    fleetView: sources.fleetView,
    zones: sources.zones,
    geo: runtime.geo,
    signTicket: (claims) => issueTicket(ticketKeys, claims),
    now: runtime.now,
    ticketTtlMs: settings.ticketTtlMs,
    ticketByteBudget: settings.ticketByteBudget,
    // Sizing off (0): no per-redirect lookup at all.
    ...(settings.ticketBudgetResponses === 0
      ? {}
      : { ticketByteBudgetFor: (zone: string, path: string) => sizedTicketBudget(settings.ticketByteBudget, sources.perResponseBytes(zone, path), settings.ticketBudgetResponses) }),
    trustProxy: settings.trustProxy,
    originTimeoutMs: settings.originTimeoutMs,
    originAgents: runtime.originAgents,
    ownHosts: new Set(settings.ownHosts),
    countRedirect: runtime.countRedirect,
    ...(runtime.newNonce === undefined ? {} : { newNonce: runtime.newNonce }),
  })
}
