import type { SignedEnvelope } from '@meson/protocol'
import { coordinatorEndpointUrl } from './coordinator-endpoints.ts'
import { coordinatorErrorOf, requestCoordinator } from './coordinator-http.ts'
import type { FetchFunction } from './link-runtime.ts'

/** What the coordinator did with a batch. */
export type UsageDelivery =
  | { readonly outcome: 'acknowledged' }
  | { readonly outcome: 'rejected'; readonly status: number; readonly code: string; readonly message: string }
  | { readonly outcome: 'retry'; readonly reason: string }

/** Sends one signed usage batch; never throws. */
export type UsageTransport = (envelope: SignedEnvelope) => Promise<UsageDelivery>

/**
 * Statuses that mean "this batch will never be accepted": resending it unchanged
 * cannot help, so it is moved aside instead of retried forever.
 */
const PERMANENT_REJECTIONS = new Set([400, 413, 422])

/**
 * `POST /v1/nodes/usage` with the envelope as body. 2xx is acknowledged, and so is 409:
 * the coordinator already applied this batch id (a resend after a lost answer).
 * 400/413/422 reject the batch. Everything else — network errors, 5xx, 429, and also
 * 401/403/404, which a coordinator that lost track of the node answers until it
 * registers again — is retried: dropping usage would drop the operator's earnings.
 */
export function httpUsageTransport(parameters: { readonly coordinatorUrl: URL; readonly fetch?: FetchFunction; readonly timeoutMs?: number }): UsageTransport {
  const fetchFunction = parameters.fetch ?? ((url, init) => fetch(url, init))
  const url = coordinatorEndpointUrl(parameters.coordinatorUrl, 'usage')
  return async (envelope) => {
    const reply = await requestCoordinator(fetchFunction, {
      method: 'POST',
      url,
      body: envelope,
      ...(parameters.timeoutMs === undefined ? {} : { timeoutMs: parameters.timeoutMs }),
    })
    if (reply.kind === 'unreachable') return { outcome: 'retry', reason: reply.reason }
    if ((reply.status >= 200 && reply.status < 300) || reply.status === 409) return { outcome: 'acknowledged' }
    const error = coordinatorErrorOf(reply.body)
    if (PERMANENT_REJECTIONS.has(reply.status)) {
      return { outcome: 'rejected', status: reply.status, code: error?.code ?? `HTTP_${reply.status}`, message: error?.message ?? 'no reason given' }
    }
    return { outcome: 'retry', reason: error === undefined ? `HTTP ${reply.status}` : `HTTP ${reply.status} ${error.code}` }
  }
}
