import { formatProxyUsername } from '@meson/protocol'
import { z } from 'zod'
import { ApiError } from '../api-error.ts'
import type { ProxyAccess } from '../../../proxy/proxy-access.ts'
import { generateProxySecret, hashProxySecret } from '../../../proxy/proxy-credentials.ts'
import { defineRoute, requireAccount } from '../route-spec.ts'
import type { RouteContext } from '../route-spec.ts'

/** The proxy product, or 503 PROXY_UNAVAILABLE when this coordinator runs no proxy gateway. */
export function requireProxy(context: RouteContext): ProxyAccess {
  if (context.proxy === undefined) throw new ApiError('PROXY_UNAVAILABLE', 'the proxy gateway is not enabled on this coordinator (set --proxy-http-port or --proxy-socks-port)')
  return context.proxy
}

/**
 * `POST /v1/proxy/credentials` (buyer): creates or rotates the account's proxy password.
 * The password is in this answer only; the store keeps its SHA-256. Routing options go
 * in the username: `customer-<account>[-country-<cc>][-session-<id>][-sesstime-<minutes>]`.
 */
export const proxyCredentialsRoute = defineRoute({
  method: 'POST',
  url: '/v1/proxy/credentials',
  summary: 'Create or rotate the proxy password; shown only in this answer',
  auth: 'buyer',
  responses: {
    201: {
      description: 'the proxy username and its new password, with the proxy endpoints',
      schema: z.object({ username: z.string(), password: z.string(), http: z.string().nullable(), socks5: z.string().nullable() }),
    },
    503: { description: 'PROXY_UNAVAILABLE' },
  },
  handle: async ({ caller }, context) => {
    const account = requireAccount(caller)
    const proxy = requireProxy(context)
    const password = generateProxySecret()
    await proxy.proxyStore.setCredentialHash(account.id, hashProxySecret(password), Date.now())
    return { status: 201, body: { username: formatProxyUsername({ account: account.id }), password, http: proxy.httpUrl ?? null, socks5: proxy.socks5Url ?? null } }
  },
})
