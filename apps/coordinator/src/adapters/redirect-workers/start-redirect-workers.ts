import type { Logger } from 'pino'
import type { CoordinatorConfig } from '../../config/config.ts'
import type { FleetRegistry } from '../../fleet/fleet-registry.ts'
import type { Metering } from '../../metering/metering.ts'
import type { CountryLookup } from '../../routing/country-lookup.ts'
import { toFleetNodes } from '../../routing/fleet-view-source.ts'
import type { TicketMasterKey } from '../../tickets/coordinator-ticket-keys.ts'
import type { CountRedirect } from '../http/routes/routing/redirect-metrics.ts'
import type { RedirectSettings } from './redirect-settings.ts'
import { RedirectWorkerPool } from './redirect-worker-pool.ts'

export interface RedirectWorkerSources {
  readonly registry: FleetRegistry
  /** The primary's GeoIP: node locations are resolved here, once, as for its own view. */
  readonly geo: CountryLookup
  readonly metering: Metering
  readonly masterKeys: readonly TicketMasterKey[]
  readonly settings: RedirectSettings
  readonly countRedirect: CountRedirect
  readonly logger: Logger
}

/** Starts `config.redirectWorkers` redirect workers on `config.redirectPort` (none when 0). */
export async function startRedirectWorkers(config: CoordinatorConfig, sources: RedirectWorkerSources): Promise<RedirectWorkerPool | undefined> {
  if (config.redirectWorkers === 0) return undefined
  const { registry, geo, metering, logger } = sources
  const pool = await RedirectWorkerPool.start({
    count: config.redirectWorkers,
    host: config.host,
    port: config.redirectPort,
    rawConnections: config.redirectRawConnections,
    headersTimeoutMs: config.headersTimeoutMs,
    settings: sources.settings,
    ticketKeys: sources.masterKeys,
    fleetVersion: () => registry.version,
    fleetNodes: () => [...toFleetNodes(registry.list(), geo)],
    zones: () => metering.zones.current(),
    budgets: metering.objectBudgets,
    countRedirect: sources.countRedirect,
    onWorkerExit: (detail) => logger.warn(detail, 'a redirect worker exited; starting another'),
  })
  logger.info({ workers: config.redirectWorkers, port: pool.port }, 'redirect workers listening')
  return pool
}
