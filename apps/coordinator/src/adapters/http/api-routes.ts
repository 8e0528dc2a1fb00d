import { adminCreditsRoute } from './routes/admin-credits-route.ts'
import { balanceRoute } from './routes/balance-route.ts'
import { createAccountRoute } from './routes/create-account-route.ts'
import { explorerRoute } from './routes/explorer/explorer-route.ts'
import { ledgerRoute } from './routes/ledger/ledger-route.ts'
import { healthRoute } from './routes/health-route.ts'
import { meRoute } from './routes/me-route.ts'
import { metricsRoute } from './routes/metrics-route.ts'
import { openApiRoute } from './routes/openapi-route.ts'
import { payoutAddressRoute } from './routes/payout-address-route.ts'
import { createZoneRoute, deleteZoneRoute, getZoneRoute, listZonesRoute } from './routes/zone-routes.ts'
import { coordinatorKeyRoute } from './routes/node-key-route.ts'
import { nodeHeartbeatRoute } from './routes/node-heartbeat-route.ts'
import { listAllNodesRoute, listOwnNodesRoute } from './routes/node-list-routes.ts'
import { registerNodeRoute } from './routes/node-register-route.ts'
import { purgeStatusRoute, purgeZoneRoute } from './routes/purge-routes.ts'
import { usageQueryRoute } from './routes/usage-query-route.ts'
import { usageReportRoute } from './routes/usage-report-route.ts'
import { zoneSettingsRoute } from './routes/zone-settings-route.ts'
import type { Route } from './route-spec.ts'

/** Every route of the coordinator's HTTP API, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly Route[] = [
  createAccountRoute,
  meRoute,
  payoutAddressRoute,
  createZoneRoute,
  listZonesRoute,
  getZoneRoute,
  deleteZoneRoute,
  balanceRoute,
  ledgerRoute,
  adminCreditsRoute,
  coordinatorKeyRoute,
  registerNodeRoute,
  nodeHeartbeatRoute,
  listOwnNodesRoute,
  listAllNodesRoute,
  purgeZoneRoute,
  purgeStatusRoute,
  zoneSettingsRoute,
  usageReportRoute,
  usageQueryRoute,
  explorerRoute,
  healthRoute,
  metricsRoute,
  openApiRoute,
]
