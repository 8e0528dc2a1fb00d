import { ApiFailure, classifyFailure } from './api-failure.ts'
import type {
  AccountJson,
  BalanceJson,
  ChainJson,
  ClaimJson,
  EarningJson,
  EpochJson,
  ExplorerJson,
  LedgerEntryJson,
  NodeJson,
  NodeScoreJson,
  ProxyCredentialsJson,
  PurgeStarted,
  PurgeStatusJson,
  UsageJson,
  ZoneJson,
  ZoneSettingsJson,
} from './api-types.ts'
import { ENDPOINTS, endpointUrl } from './endpoints.ts'
import type { EndpointName } from './endpoints.ts'

export interface ApiClientOptions {
  /** The coordinator's origin; '' for the page's own (the coordinator serves the dashboard). */
  readonly baseUrl: string
  /** The account token; undefined for the public explorer. */
  readonly token: string | undefined
  readonly fetch: typeof fetch
  /** Called on any 401 of a signed-in client: the session is over. */
  readonly onUnauthorized?: (failure: ApiFailure) => void
  /** Default 10 s; past it the coordinator counts as unreachable. */
  readonly timeoutMs?: number
}

interface CallInput {
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string | undefined>>
  readonly body?: unknown
}

export type CreateZoneInput = { readonly name: string; readonly origin: string; readonly pricePerGiB?: string; readonly type?: 'cdn' | 'ipfs'; readonly upstreams?: readonly string[] }
export type ZoneSettingsPatch = Partial<ZoneSettingsJson> & { readonly pricePerGiB?: string }
export type UsageQuery = { readonly zone?: string; readonly granularity: 'hour' | 'day'; readonly from?: string; readonly to?: string }

/** Every typed call of the dashboard; each one maps to one row of {@link ENDPOINTS}. */
export interface ApiClient {
  me(): Promise<{ account: AccountJson }>
  setPayoutAddress(address: string): Promise<{ account: AccountJson }>
  listZones(): Promise<{ zones: ZoneJson[] }>
  createZone(input: CreateZoneInput): Promise<{ zone: ZoneJson }>
  getZone(name: string): Promise<{ zone: ZoneJson; settings?: ZoneSettingsJson }>
  updateZone(name: string, patch: ZoneSettingsPatch): Promise<{ zone: ZoneJson; settings: ZoneSettingsJson }>
  deleteZone(name: string): Promise<void>
  purgeZone(name: string, purge: { readonly urls?: readonly string[]; readonly prefixes?: readonly string[]; readonly surrogateKeys?: readonly string[] }): Promise<PurgeStarted>
  purgeStatus(purgeId: string, waitMs: number): Promise<PurgeStatusJson>
  usage(query: UsageQuery): Promise<UsageJson>
  balance(): Promise<BalanceJson>
  ledger(): Promise<{ entries: LedgerEntryJson[] }>
  nodes(): Promise<{ nodes: NodeJson[] }>
  explorer(): Promise<ExplorerJson>
  proxyCredentials(): Promise<ProxyCredentialsJson>
  epochs(): Promise<{ epochs: EpochJson[] }>
  earnings(): Promise<{ earnings: EarningJson[]; total: string }>
  nodeScore(nodeId: string): Promise<NodeScoreJson>
  claim(address: string): Promise<ClaimJson>
  chain(): Promise<ChainJson>
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function errorOf(body: unknown): { code: string; message: string } | undefined {
  if (!isRecord(body) || !isRecord(body['error'])) return undefined
  const { code, message } = body['error']
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined
}

/** The one HTTP client of the dashboard: /v1 only, bearer token, typed answers, classified failures. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const timeoutMs = options.timeoutMs ?? 10_000

  async function call<T>(name: EndpointName, input: CallInput = {}): Promise<T> {
    const endpoint = ENDPOINTS[name]
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(input.query ?? {})) if (value !== undefined) query.set(key, value)
    const search = query.size === 0 ? '' : `?${query.toString()}`
    const url = `${options.baseUrl}${endpointUrl(endpoint.path, input.params)}${search}`
    const headers: Record<string, string> = { accept: 'application/json' }
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
    if (input.body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await options.fetch(url, {
        method: endpoint.method,
        headers,
        ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      })
    } catch (error) {
      throw new ApiFailure({ kind: 'unreachable', status: 0, code: 'UNREACHABLE', message: 'no answer from the coordinator', operation: `${endpoint.method} ${endpoint.path}`, cause: error })
    }
    const text = await response.text().catch(() => '')
    let body: unknown = undefined
    if (text !== '') {
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
    }
    if (!response.ok) {
      const error = errorOf(body) ?? { code: `HTTP_${response.status}`, message: response.statusText || 'no error body' }
      const failure = new ApiFailure({ kind: classifyFailure(response.status, error.code), status: response.status, code: error.code, message: error.message, operation: `${endpoint.method} ${endpoint.path}` })
      if (failure.kind === 'unauthorized' && options.token !== undefined) options.onUnauthorized?.(failure)
      throw failure
    }
    if (endpoint.reads.length > 0) {
      const missing = isRecord(body) ? endpoint.reads.filter((field) => !(field in body)) : endpoint.reads
      if (missing.length > 0) throw new ApiFailure({ kind: 'server', status: response.status, code: 'UNEXPECTED_BODY', message: `the answer lacks ${missing.join(', ')}`, operation: `${endpoint.method} ${endpoint.path}` })
    }
    // The fields read were checked above, and their shapes against /v1/openapi.json by
    // the contract test (tests/dashboard); the type says what the coordinator documents.
    return body as T
  }

  return {
    me: () => call('me'),
    setPayoutAddress: (address) => call('setPayoutAddress', { body: { address } }),
    listZones: () => call('listZones'),
    createZone: (input) => call('createZone', { body: input }),
    getZone: (name) => call('getZone', { params: { name } }),
    updateZone: (name, patch) => call('updateZone', { params: { name }, body: patch }),
    deleteZone: (name) => call('deleteZone', { params: { name } }),
    purgeZone: (name, purge) => call('purgeZone', { params: { name }, body: purge }),
    purgeStatus: (purgeId, waitMs) => call('purgeStatus', { params: { id: purgeId }, query: { waitMs: String(waitMs) } }),
    usage: (query) => call('usage', { query }),
    balance: () => call('balance'),
    ledger: () => call('ledger'),
    nodes: () => call('nodes'),
    explorer: () => call('explorer'),
    proxyCredentials: () => call('proxyCredentials', { body: {} }),
    epochs: () => call('epochs'),
    earnings: () => call('earnings'),
    nodeScore: (nodeId) => call('nodeScore', { params: { id: nodeId } }),
    claim: (address) => call('claim', { params: { address } }),
    chain: () => call('chain'),
  }
}
