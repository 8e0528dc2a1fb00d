/**
 * Every /v1 operation the dashboard calls, as data: the client builds its requests from
 * this table, and the contract test checks each one against the coordinator's
 * `/v1/openapi.json` (path, method, and the top-level fields the dashboard reads).
 * `pendingIssue` marks operations other branches are adding: until they are merged the
 * coordinator answers 404 NOT_FOUND and the view says "not available yet".
 */
export interface Endpoint {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** OpenAPI form: `/v1/zones/{name}`. */
  readonly path: string
  /** Top-level fields of the success body the dashboard reads. */
  readonly reads: readonly string[]
  /** Fields the dashboard reads of the items of an array field (`rows` → `requests`, ...). */
  readonly itemReads?: Readonly<Record<string, readonly string[]>>
  /** The issue that adds this operation, when the coordinator may not have it yet. */
  readonly pendingIssue?: number
}

export const ENDPOINTS = {
  me: { method: 'GET', path: '/v1/me', reads: ['account'] },
  setPayoutAddress: { method: 'PUT', path: '/v1/me/payout-address', reads: ['account'] },
  listZones: { method: 'GET', path: '/v1/zones', reads: ['zones'] },
  createZone: { method: 'POST', path: '/v1/zones', reads: ['zone'] },
  getZone: { method: 'GET', path: '/v1/zones/{name}', reads: ['zone'] },
  updateZone: { method: 'PATCH', path: '/v1/zones/{name}', reads: ['zone', 'settings'] },
  deleteZone: { method: 'DELETE', path: '/v1/zones/{name}', reads: [] },
  purgeZone: { method: 'POST', path: '/v1/zones/{name}/purge', reads: ['purgeId', 'nodes'] },
  purgeStatus: { method: 'GET', path: '/v1/purges/{id}', reads: [] },
  usage: { method: 'GET', path: '/v1/usage', reads: ['rows', 'granularity'], itemReads: { rows: ['periodStart', 'zone', 'product', 'bytes', 'cost', 'requests', 'byCountry'] } },
  balance: { method: 'GET', path: '/v1/balance', reads: ['balance', 'formatted'] },
  nodes: { method: 'GET', path: '/v1/nodes', reads: ['nodes'] },
  explorer: { method: 'GET', path: '/v1/explorer', reads: ['nodes', 'countries', 'unlocatedNodes', 'servedBytes', 'observedAt'] },
  ledger: { method: 'GET', path: '/v1/ledger', reads: ['entries'] },
  proxyCredentials: { method: 'POST', path: '/v1/proxy/credentials', reads: ['username', 'password', 'http', 'socks5'], pendingIssue: 10 },
  epochs: { method: 'GET', path: '/v1/epochs', reads: ['epochs'], pendingIssue: 11 },
  earnings: { method: 'GET', path: '/v1/earnings', reads: ['earnings', 'total'], pendingIssue: 11 },
  nodeScore: { method: 'GET', path: '/v1/nodes/{id}/score', reads: ['score', 'factors', 'penalties'], pendingIssue: 11 },
  claim: { method: 'GET', path: '/v1/claims/{address}', reads: ['cumulativeAmount', 'claimed', 'proof', 'distributor', 'chainId'], pendingIssue: 12 },
  chain: { method: 'GET', path: '/v1/chain', reads: ['chainId', 'token', 'vault'], pendingIssue: 12 },
} as const satisfies Readonly<Record<string, Endpoint>>

export type EndpointName = keyof typeof ENDPOINTS

/** Fills `{param}` placeholders, each value URL-encoded. */
export function endpointUrl(path: string, params: Readonly<Record<string, string>> = {}): string {
  return path.replace(/\{([a-zA-Z]+)\}/g, (_match, key: string) => {
    const value = params[key]
    if (value === undefined) throw new Error(`missing path parameter ${key}`)
    return encodeURIComponent(value)
  })
}
