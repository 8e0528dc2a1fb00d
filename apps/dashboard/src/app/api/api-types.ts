/**
 * The bodies the dashboard reads, as the coordinator's /v1 documents them (see
 * `/v1/openapi.json`; the contract test checks paths and top-level fields). Amounts and
 * byte counts are decimal strings of base units. Fields from pending issues are optional.
 */
export interface AccountJson {
  readonly id: string
  readonly name: string
  readonly role: 'buyer' | 'operator'
  readonly payoutAddress: string | null
  readonly createdAt: string
}

export interface ZoneJson {
  readonly id: string
  readonly name: string
  readonly origin: string
  readonly pricePerGiB: string
  readonly createdAt: string
  /** #13: absent on coordinators before gateway zones (then "cdn"). */
  readonly type?: 'cdn' | 'ipfs'
  readonly upstreams?: readonly string[]
}

export interface ZoneSettingsJson {
  readonly allowedReferrers: readonly string[]
  readonly blockedCountries: readonly string[]
  readonly customDomains: readonly string[]
}

export interface PurgeStarted {
  readonly purgeId: string
  readonly nodes: number
}

export interface PurgeStatusJson {
  readonly purgeId: string
  readonly zone: string
  readonly status: 'pending' | 'complete'
  readonly acked: readonly string[]
  readonly pending: readonly string[]
  readonly down: readonly string[]
}

export interface UsageRowJson {
  readonly periodStart: string
  readonly zone?: string
  readonly nodeId?: string
  readonly bytes: string
  readonly cost?: string
  /** #10: "cdn" or "proxy"; absent before (then "cdn"). */
  readonly product?: string
  /** Responses served (#14); absent on coordinators that do not count them. */
  readonly requests?: number
  /** CDN usage by the country of the tickets' clients (#14); absent on older coordinators. */
  readonly byCountry?: readonly UsageByCountryJson[]
}

/** One country's share of a usage row: ISO 3166-1 alpha-2, 'local' or 'unknown'. */
export interface UsageByCountryJson {
  readonly country: string
  readonly bytes: string
  readonly requests: number
}

export interface UsageJson {
  readonly granularity: string
  readonly from: string
  readonly to: string
  readonly rows: readonly UsageRowJson[]
}

export interface BalanceJson {
  readonly balance: string
  readonly formatted: string
}

export interface LedgerEntryJson {
  readonly transactionId: string
  readonly at: string
  readonly kind: string
  /** Signed base units: + credits the account, - debits it. */
  readonly amount: string
  readonly memo: string | null
}

export interface NodeJson {
  readonly nodeId: string
  readonly status: 'pending' | 'active' | 'draining' | 'down'
  readonly publicUrl: string
  readonly version: string
  readonly capabilities: readonly string[]
  readonly reachable: boolean
  readonly diskQuotaBytes: string
  readonly declaredUplinkMbps: number
  readonly registeredAt: string
  readonly lastHeartbeatAt: string | null
  readonly counters: {
    readonly load: number
    readonly inflight: number
    readonly freeDiskBytes: string
    readonly servedBytes: string
    readonly cacheHits: number
    readonly cacheMisses: number
    readonly cacheObjects: number
    readonly cacheStoredBytes: string
    /** #10: bytes relayed as a proxy exit. */
    readonly exitBytes?: string
  } | null
  readonly rejectedUsageLines: Readonly<Record<string, number>> | null
}

export interface ExplorerJson {
  readonly observedAt: string
  readonly nodes: { readonly total: number; readonly active: number; readonly draining: number; readonly pending: number; readonly down: number }
  readonly countries: readonly { readonly country: string; readonly nodes: number; readonly activeNodes: number }[]
  readonly unlocatedNodes: number
  readonly servedBytes: string
  readonly cacheStoredBytes: string
  readonly diskQuotaBytes: string
  readonly uplinkMbps: number
}

export interface ProxyCredentialsJson {
  readonly username: string
  readonly password: string
  readonly http: string
  readonly socks5: string
}

export interface EpochJson {
  readonly id: number | string
  readonly startedAt: string
  readonly endedAt: string
  readonly closedAt: string | null
  readonly emission: string
  readonly payouts: string
  readonly nodesRewarded: number
}

export interface EarningJson {
  readonly epochId: number | string
  readonly source: 'usage' | 'emission'
  readonly amount: string
}

export interface ScoreFactorJson {
  readonly value: number
  readonly measurements: number
  readonly howToRaise: string
}

export interface NodeScoreJson {
  readonly nodeId: string
  readonly epochId: number | string
  readonly score: number
  readonly factors: Readonly<Record<'bandwidth' | 'storage' | 'credit' | 'correctness', ScoreFactorJson>>
  readonly penalties: readonly { readonly kind: string; readonly reason: string; readonly epochId: number | string }[]
}

export interface ClaimJson {
  readonly address: string
  readonly cumulativeAmount: string
  readonly claimed: string
  readonly root: string
  readonly proof: readonly string[]
  readonly distributor: string
  readonly chainId: number
}

export interface ChainJson {
  readonly chainId: number
  readonly token: string
  readonly distributor: string
  readonly vault: string
}
