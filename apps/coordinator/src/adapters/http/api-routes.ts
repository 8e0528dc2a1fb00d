import { adminCreditsRoute } from './routes/admin-credits-route.ts'
import { balanceRoute } from './routes/balance-route.ts'
import { createAccountRoute } from './routes/create-account-route.ts'
import { healthRoute } from './routes/health-route.ts'
import { meRoute } from './routes/me-route.ts'
import { metricsRoute } from './routes/metrics-route.ts'
import { openApiRoute } from './routes/openapi-route.ts'
import { payoutAddressRoute } from './routes/payout-address-route.ts'
import { createZoneRoute, deleteZoneRoute, getZoneRoute, listZonesRoute } from './routes/zone-routes.ts'
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
  adminCreditsRoute,
  healthRoute,
  metricsRoute,
  openApiRoute,
]
