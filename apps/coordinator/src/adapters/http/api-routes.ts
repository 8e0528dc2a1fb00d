import { adminCreditsRoute } from './routes/ledger/admin-credits-route.ts'
import { balanceRoute } from './routes/ledger/balance-route.ts'
import { createAccountRoute } from './routes/accounts/create-account-route.ts'
import { healthRoute } from './routes/system/health-route.ts'
import { meRoute } from './routes/accounts/me-route.ts'
import { metricsRoute } from './routes/system/metrics-route.ts'
import { openApiRoute } from './routes/system/openapi-route.ts'
import { payoutAddressRoute } from './routes/accounts/payout-address-route.ts'
import { createZoneRoute, deleteZoneRoute, getZoneRoute, listZonesRoute } from './routes/zones/zone-routes.ts'
import { coordinatorKeyRoute } from './routes/fleet/node-key-route.ts'
import { nodeHeartbeatRoute } from './routes/fleet/node-heartbeat-route.ts'
import { listAllNodesRoute, listOwnNodesRoute } from './routes/fleet/node-list-routes.ts'
import { registerNodeRoute } from './routes/fleet/node-register-route.ts'
import { purgeStatusRoute, purgeZoneRoute } from './routes/zones/purge-routes.ts'
import { usageQueryRoute } from './routes/metering/usage-query-route.ts'
import { usageReportRoute } from './routes/metering/usage-report-route.ts'
import { zoneSettingsRoute } from './routes/zones/zone-settings-route.ts'
import { listZoneDomainsRoute, verifyZoneDomainRoute } from './routes/zones/domain-verification-routes.ts'
import { proxyCredentialsRoute } from './routes/proxy-credentials-route.ts'
import { chainRoute } from './routes/settlement/chain-route.ts'
import { claimRoute } from './routes/settlement/claim-route.ts'
import { gatewayDenylistRoute } from './routes/gateway/gateway-denylist-route.ts'
import { earningsRoute } from './routes/rewards/earnings-route.ts'
import { epochsRoute } from './routes/rewards/epochs-route.ts'
import { nodeScoreRoute } from './routes/rewards/node-score-route.ts'
import { probeIpfsRoute } from './routes/probes/probe-ipfs-route.ts'
import { probeOriginRoute } from './routes/probes/probe-origin-route.ts'
import { storageConfirmRoute, storageFillRoute, storageReleaseRoute } from './routes/probes/storage-routes.ts'
import { explorerRoute } from './routes/explorer/explorer-route.ts'
import { ledgerRoute } from './routes/ledger/ledger-route.ts'
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
  listZoneDomainsRoute,
  verifyZoneDomainRoute,
  gatewayDenylistRoute,
  usageReportRoute,
  usageQueryRoute,
  proxyCredentialsRoute,
  claimRoute,
  chainRoute,
  epochsRoute,
  earningsRoute,
  nodeScoreRoute,
  probeOriginRoute,
  probeIpfsRoute,
  storageFillRoute,
  storageConfirmRoute,
  storageReleaseRoute,
  explorerRoute,
  healthRoute,
  metricsRoute,
  openApiRoute,
]
