/** The few `/v1` calls the demo makes to set up its buyer, operator and zone. */
export interface DemoApiClient {
  createAccount(name: string, role: 'buyer' | 'operator'): Promise<{ id: string; token: string }>
  credit(accountId: string, amount: string, idempotencyKey: string): Promise<void>
  createZone(buyerToken: string, name: string, origin: string): Promise<void>
  /** The origin of the buyer's zone `name`, or undefined when the buyer has no such zone. */
  zoneOrigin(buyerToken: string, name: string): Promise<string | undefined>
  deleteZone(buyerToken: string, name: string): Promise<void>
  /** The account id of a token, or undefined when the token is not (or no longer) valid. */
  whoAmI(token: string): Promise<string | undefined>
  /** An IPFS gateway zone (#13) in front of these upstream trustless gateways. */
  createIpfsZone(buyerToken: string, name: string, upstreams: readonly string[]): Promise<void>
  balance(token: string): Promise<string>
  /** Creates (or rotates) the buyer's proxy password. */
  proxyCredentials(buyerToken: string): Promise<{ username: string; password: string }>
  setPayoutAddress(operatorToken: string, address: string): Promise<void>
}

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const parsed: unknown = await response.json()
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(parsed)}`)
  return parsed
}

function field(value: unknown, ...path: string[]): string {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) throw new Error(`the API answer has no ${path.join('.')}`)
    const next: unknown = Reflect.get(current, key)
    current = next
  }
  if (typeof current !== 'string') throw new Error(`the API answer's ${path.join('.')} is not a string`)
  return current
}

/** Creates a client for the coordinator at `baseUrl` acting with the admin token. */
export function createDemoApiClient(baseUrl: string, adminToken: string): DemoApiClient {
  return {
    async createAccount(name, role) {
      const answer = await call(baseUrl, adminToken, 'POST', '/v1/accounts', { name, role })
      return { id: field(answer, 'account', 'id'), token: field(answer, 'token') }
    },
    async credit(accountId, amount, idempotencyKey) {
      await call(baseUrl, adminToken, 'POST', '/v1/admin/credits', { accountId, amount, idempotencyKey })
    },
    async createZone(buyerToken, name, origin) {
      await call(baseUrl, buyerToken, 'POST', '/v1/zones', { name, origin })
    },
    async zoneOrigin(buyerToken, name) {
      const response = await fetch(new URL(`/v1/zones/${name}`, baseUrl), { headers: { authorization: `Bearer ${buyerToken}` } })
      if (response.status === 404) return undefined
      const parsed: unknown = await response.json()
      if (!response.ok) throw new Error(`GET /v1/zones/${name} answered ${response.status}: ${JSON.stringify(parsed)}`)
      return field(parsed, 'zone', 'origin')
    },
    async deleteZone(buyerToken, name) {
      const response = await fetch(new URL(`/v1/zones/${name}`, baseUrl), { method: 'DELETE', headers: { authorization: `Bearer ${buyerToken}` } })
      if (!response.ok && response.status !== 404) throw new Error(`DELETE /v1/zones/${name} answered ${response.status}`)
    },
    async whoAmI(token) {
      const response = await fetch(new URL('/v1/me', baseUrl), { headers: { authorization: `Bearer ${token}` } })
      if (response.status === 401) return undefined
      const parsed: unknown = await response.json()
      if (!response.ok) throw new Error(`GET /v1/me answered ${response.status}`)
      return field(parsed, 'account', 'id')
    },
    async createIpfsZone(buyerToken, name, upstreams) {
      await call(baseUrl, buyerToken, 'POST', '/v1/zones', { name, type: 'ipfs', upstreams })
    },
    async balance(token) {
      return field(await call(baseUrl, token, 'GET', '/v1/balance'), 'formatted')
    },
    async proxyCredentials(buyerToken) {
      const answer = await call(baseUrl, buyerToken, 'POST', '/v1/proxy/credentials')
      return { username: field(answer, 'username'), password: field(answer, 'password') }
    },
    async setPayoutAddress(operatorToken, address) {
      await call(baseUrl, operatorToken, 'PUT', '/v1/me/payout-address', { address })
    },
  }
}
