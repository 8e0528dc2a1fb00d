/**
 * The coordinator's endpoints for nodes, relative to its base URL (README.md in this
 * folder describes bodies and status codes).
 */
export const COORDINATOR_ENDPOINTS = {
  coordinatorKey: '/v1/coordinator-key',
  register: '/v1/nodes/register',
  heartbeat: '/v1/nodes/heartbeat',
  usage: '/v1/nodes/usage',
} as const

export type CoordinatorEndpoint = keyof typeof COORDINATOR_ENDPOINTS

/** The absolute URL of `endpoint` under `baseUrl` (which may carry a path prefix). */
export function coordinatorEndpointUrl(baseUrl: URL, endpoint: CoordinatorEndpoint): URL {
  const base = baseUrl.href.endsWith('/') ? baseUrl.href.slice(0, -1) : baseUrl.href
  return new URL(`${base}${COORDINATOR_ENDPOINTS[endpoint]}`)
}
