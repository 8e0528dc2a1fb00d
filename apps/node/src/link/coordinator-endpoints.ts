import { NODE_API_PATHS } from '@meson/protocol'
import type { NodeApiEndpoint } from '@meson/protocol'

/**
 * The coordinator's endpoints for nodes, relative to its base URL (README.md in this
 * folder describes bodies and status codes).
 */
export const COORDINATOR_ENDPOINTS = NODE_API_PATHS

export type CoordinatorEndpoint = NodeApiEndpoint

/** The absolute URL of `endpoint` under `baseUrl` (which may carry a path prefix). */
export function coordinatorEndpointUrl(baseUrl: URL, endpoint: CoordinatorEndpoint): URL {
  const base = baseUrl.href.endsWith('/') ? baseUrl.href.slice(0, -1) : baseUrl.href
  return new URL(`${base}${COORDINATOR_ENDPOINTS[endpoint]}`)
}
