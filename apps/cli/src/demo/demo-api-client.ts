/** The few `/v1` calls the demo makes to set up its buyer, operator and zone. */
export interface DemoApiClient {
  createAccount(name: string, role: 'buyer' | 'operator'): Promise<{ id: string; token: string }>
  credit(accountId: string, amount: string, idempotencyKey: string): Promise<void>
  createZone(buyerToken: string, name: string, origin: string): Promise<void>
  /** An IPFS gateway zone (#13) in front of these upstream trustless gateways. */
  createIpfsZone(buyerToken: string, name: string, upstreams: readonly string[]): Promise<void>
  balance(token: string): Promise<string>
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
    async createIpfsZone(buyerToken, name, upstreams) {
      await call(baseUrl, buyerToken, 'POST', '/v1/zones', { name, type: 'ipfs', upstreams })
    },
    async balance(token) {
      return field(await call(baseUrl, token, 'GET', '/v1/balance'), 'formatted')
    },
  }
}
