import { join } from 'node:path'
import { isIP } from 'node:net'
import { z } from 'zod'
import { semverSchema, parseExitAllowEntry } from '@meson/protocol'
import type { Address } from 'viem'
import { chainRpcUrlSchema, contractAddressSchema, missingChainKey } from './chain-settings-schema.ts'
import { ANY_SCHEME, booleanSchema, boundedInteger, byteCountSchema, DB_URL, DEFAULT_EMISSION_PER_HOUR, DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_MAX_PRICE_PER_GIB, DEFAULT_MIN_PRICE_PER_GIB, DEFAULT_PRICE_PER_GIB, DEFAULT_PROXY_PRICE_PER_GIB, defaultNodeDownAfterMs, emissionSchema, fraction, isLoopbackHost, priceSchema, publicUrlSchema, storagePointsSchema } from './config-values.ts'
import type { StoragePoint } from './config-values.ts'

/**
 * The coordinator's configuration: every key, with its type, flag, environment variable
 * and schema (value schemas and defaults in `config-values.ts`). `parseConfig`
 * (`parse-config.ts`) merges the sources and validates them with `configSchema`;
 * `loadConfig` (`load-config.ts`) is the only code that reads process.env or a config file.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface CoordinatorConfig {
  /** TCP port of the HTTP API; 0 picks a free one. */
  readonly port: number
  readonly host: string
  readonly dataDir: string
  /** `sqlite:<path>`, `sqlite::memory:`, `postgres://...` or a plain SQLite file path. */
  readonly db: string
  /** When undefined, one is generated at start and written to `<dataDir>/admin-token`. */
  readonly adminToken: string | undefined
  readonly logLevel: LogLevel
  readonly bodyLimitBytes: number
  /** Price of a zone created without one, token base units per GiB. */
  readonly defaultPricePerGiB: bigint
  /** Nodes below this semver are refused at registration. */
  readonly minNodeVersion: string
  /** Let several nodes register from one public IP (local testing and the demo). */
  readonly allowSharedIp: boolean
  /** How often nodes are told to heartbeat. */
  readonly heartbeatIntervalMs: number
  /** A node silent this long is marked down; default 2.4 × heartbeatIntervalMs (12 s). */
  readonly nodeDownAfterMs: number
  /** PKCS#8 PEM of the coordinator's ed25519 key, created 0600 on first start. */
  readonly coordinatorKeyFile: string
  /** JSON of the ticket master secrets (ADR 0016), created 0600 on first start; every replica reads the same. */
  readonly ticketKeyFile: string
  /** Whole percent of each usage charge credited to the node's operator; the rest is the protocol's fee. */
  readonly operatorSharePercent: number
  /** How often issued tickets are written to the database in one batch. */
  readonly usageFlushMs: number
  /** How long after a ticket's expiry its usage is still accepted. */
  readonly usageGraceMs: number
  /** A response may bill this many percent more than its object's known size (ADR 0012). */
  readonly usageSizeTolerancePercent: number
  /** Plus this many bytes per response (range boundaries, a small object's framing). */
  readonly usageSizeOverheadBytes: bigint
  /** Other nodes whose bytes per response for an object make the fleet's median a size. */
  readonly usageFleetMinNodes: number
  /** Whole responses of its object one ticket may bill across its usage lines. */
  readonly usageResponsesPerTicket: number
  /** Take the client address from the last `X-Forwarded-For` entry (only behind a proxy you run). */
  readonly trustProxy: boolean
  /** The redirector's raw connection path in front of node:http (ADR 0016 "redirector at line rate"). */
  readonly redirectRawConnections: boolean
  /** Redirect worker processes on `redirectPort` (ADR 0016, fifth session); 0: none, zone requests on the API port only. */
  readonly redirectWorkers: number
  /** The port the redirect workers share (`SO_REUSEPORT`); 0 picks a free one. */
  readonly redirectPort: number
  /** Lifetime of a ticket the redirector signs. */
  readonly ticketTtlMs: number
  /** Bytes a node may serve on one ticket. */
  readonly ticketByteBudget: bigint
  /** Whole responses a ticket for an object of known size may serve (its budget); 0: always `ticketByteBudget`. */
  readonly ticketBudgetResponses: number
  /** Origin fallback (no eligible node): time for the origin's response headers, and for silence in its body. */
  readonly originFallbackTimeoutMs: number
  /** The URL clients reach this coordinator at; its host is never taken for a zone's custom domain. */
  readonly publicUrl: string | undefined
  /** Lowest price a zone may be created with or set to, base units per GiB (issue #9: no free riding). */
  readonly minPricePerGiB: bigint
  /** Highest price a zone may have, base units per GiB. */
  readonly maxPricePerGiB: bigint
  /** Time a client has to send a request's headers (slowloris guard), checked about every second. */
  readonly headersTimeoutMs: number
  /**
   * Where custom-domain challenges are fetched: `http://<domain>` by default; a base URL here
   * (tests: a loopback server) is asked instead, with `Host: <domain>`.
   */
  readonly domainVerificationBaseUrl: string | undefined
  /** Port of the HTTP proxy (CONNECT and absolute-URI); undefined: no HTTP proxy. */
  readonly proxyHttpPort: number | undefined
  /** Port of the SOCKS5 proxy; undefined: no SOCKS5 proxy. */
  readonly proxySocksPort: number | undefined
  /** Port exits dial for their tunnel; the gateway runs when an HTTP or SOCKS5 port is set. */
  readonly proxyTunnelPort: number
  /** Price of proxy traffic (both directions), token base units per GiB. */
  readonly proxyPricePerGiB: bigint
  /** Comma-separated `IP:PORT` the gateway lets through although not public (local tests only). */
  readonly proxyExitAllow: string
  /** Data connections each exit keeps dialed and waiting (0: every stream an HTTP/2 stream). */
  readonly proxyDataIdle: number
  /** Data connections (idle and busy) each exit may have open; beyond, streams use HTTP/2. */
  readonly proxyDataMax: number
  /** Length of a rewards epoch (scores, emission, earnings); the demo uses seconds. */
  readonly epochLengthMs: number
  /** How long after an epoch ends it is closed, so usage in flight at its end still counts. */
  readonly epochCloseDelayMs: number
  /** Token emission per hour in the first year, base units (split by score each epoch). */
  readonly emissionPerHour: bigint
  /** Each year after genesis, the emission rate is this percent of the year before. */
  readonly emissionYearlyPercent: number
  /** When emission starts and its years are counted from, ms since the Unix epoch. */
  readonly emissionGenesisMs: number
  /** Measured bandwidth above this earns no more score (Meson v3: 1 500 Mb/s). */
  readonly scoreBandwidthCapMbps: number
  /** The storage curve (Meson v3: 20 GB → 0.7, 60 GB → 0.85, 100 GB → 1.0; 0 below the first point). */
  readonly scoreStoragePoints: readonly StoragePoint[]
  /** Credit a new node starts with and never falls below (v3: 0.4), and what it gains per healthy hour and loses per hour down. */
  readonly scoreCreditInitial: number
  readonly scoreCreditGainPerHour: number
  readonly scoreCreditLossPerHour: number
  /** Anti-Sybil: one rewarded node per public IP, a /24 shares one share (off only for local demos). */
  readonly rewardsOneNodePerIp: boolean
  /** Run the hunters: probe every live node through the system probe zone (off by default; the demo turns it on). */
  readonly probesEnabled: boolean
  /** Mean time between two probe rounds of one node; each wait is jittered to 50–150 % of it. */
  readonly probeIntervalMs: number
  /** The address nodes see the coordinator's probes come from: probe tickets are bound to it. */
  readonly probeClientIp: string
  /** Proof of storage with the probes: nodes get fill, each probe round challenges it, verified disk scores (ADR 0012). */
  readonly storageProofsEnabled: boolean
  /** Bytes per segment of proof-of-storage fill. */
  readonly storageSegmentBytes: number
  /** Most fill one node is given (disk above it is not verified, nor needed: the storage curve tops out at 100 GB). */
  readonly storageProofMaxBytes: bigint
  /** Bytes one storage challenge reads on the node. */
  readonly storageChallengeBytes: number
  /** Folder of the built dashboard (index.html + assets), served at `/`; no dashboard when undefined. */
  readonly dashboardDir: string | undefined
  /** JSON-RPC URL of the chain to settle on; the chain keys are all set or none (no chain). */
  readonly chainRpcUrl: string | undefined
  readonly chainId: number | undefined
  /** The deployed contracts (EIP-55 checksummed). */
  readonly tokenAddress: Address | undefined
  readonly distributorAddress: Address | undefined
  readonly vaultAddress: Address | undefined
  /** File (mode 0600) holding the private key with the distributor's SETTLER_ROLE; never the key itself. */
  readonly settlerKeyFile: string | undefined
  /** Blocks a root or a deposit must be under before it counts. */
  readonly chainConfirmations: number
  /** The contracts' deployment block, where event searches start. */
  readonly chainFromBlock: number
}

export type ConfigKey = keyof CoordinatorConfig

/** Flag and environment variable of each key (the README's config table mirrors this). */
export const CONFIG_KEYS: Readonly<Record<ConfigKey, { readonly flag: string; readonly env: string }>> = {
  port: { flag: '--port', env: 'MESON_COORDINATOR_PORT' },
  host: { flag: '--host', env: 'MESON_COORDINATOR_HOST' },
  dataDir: { flag: '--data-dir', env: 'MESON_DATA_DIR' },
  db: { flag: '--db', env: 'MESON_DB' },
  adminToken: { flag: '--admin-token', env: 'MESON_ADMIN_TOKEN' },
  logLevel: { flag: '--log-level', env: 'MESON_LOG_LEVEL' },
  bodyLimitBytes: { flag: '--body-limit-bytes', env: 'MESON_BODY_LIMIT_BYTES' },
  defaultPricePerGiB: { flag: '--default-price-per-gib', env: 'MESON_DEFAULT_PRICE_PER_GIB' },
  minNodeVersion: { flag: '--min-node-version', env: 'MESON_MIN_NODE_VERSION' },
  allowSharedIp: { flag: '--allow-shared-ip', env: 'MESON_ALLOW_SHARED_IP' },
  heartbeatIntervalMs: { flag: '--heartbeat-interval-ms', env: 'MESON_HEARTBEAT_INTERVAL_MS' },
  nodeDownAfterMs: { flag: '--node-down-after-ms', env: 'MESON_NODE_DOWN_AFTER_MS' },
  coordinatorKeyFile: { flag: '--coordinator-key-file', env: 'MESON_COORDINATOR_KEY_FILE' },
  ticketKeyFile: { flag: '--ticket-key-file', env: 'MESON_TICKET_KEY_FILE' },
  operatorSharePercent: { flag: '--operator-share-percent', env: 'MESON_OPERATOR_SHARE_PERCENT' },
  usageFlushMs: { flag: '--usage-flush-ms', env: 'MESON_USAGE_FLUSH_MS' },
  usageGraceMs: { flag: '--usage-grace-ms', env: 'MESON_USAGE_GRACE_MS' },
  usageSizeTolerancePercent: { flag: '--usage-size-tolerance-percent', env: 'MESON_USAGE_SIZE_TOLERANCE_PERCENT' },
  usageSizeOverheadBytes: { flag: '--usage-size-overhead-bytes', env: 'MESON_USAGE_SIZE_OVERHEAD_BYTES' },
  usageFleetMinNodes: { flag: '--usage-fleet-min-nodes', env: 'MESON_USAGE_FLEET_MIN_NODES' },
  usageResponsesPerTicket: { flag: '--usage-responses-per-ticket', env: 'MESON_USAGE_RESPONSES_PER_TICKET' },
  trustProxy: { flag: '--trust-proxy', env: 'MESON_TRUST_PROXY' },
  redirectRawConnections: { flag: '--redirect-raw-connections', env: 'MESON_REDIRECT_RAW_CONNECTIONS' },
  redirectWorkers: { flag: '--redirect-workers', env: 'MESON_REDIRECT_WORKERS' },
  redirectPort: { flag: '--redirect-port', env: 'MESON_REDIRECT_PORT' },
  ticketTtlMs: { flag: '--ticket-ttl-ms', env: 'MESON_TICKET_TTL_MS' },
  ticketByteBudget: { flag: '--ticket-byte-budget', env: 'MESON_TICKET_BYTE_BUDGET' },
  ticketBudgetResponses: { flag: '--ticket-budget-responses', env: 'MESON_TICKET_BUDGET_RESPONSES' },
  originFallbackTimeoutMs: { flag: '--origin-fallback-timeout-ms', env: 'MESON_ORIGIN_FALLBACK_TIMEOUT_MS' },
  publicUrl: { flag: '--public-url', env: 'MESON_COORDINATOR_PUBLIC_URL' },
  minPricePerGiB: { flag: '--min-price-per-gib', env: 'MESON_MIN_PRICE_PER_GIB' },
  maxPricePerGiB: { flag: '--max-price-per-gib', env: 'MESON_MAX_PRICE_PER_GIB' },
  headersTimeoutMs: { flag: '--headers-timeout-ms', env: 'MESON_HEADERS_TIMEOUT_MS' },
  domainVerificationBaseUrl: { flag: '--domain-verification-base-url', env: 'MESON_DOMAIN_VERIFICATION_BASE_URL' },
  proxyHttpPort: { flag: '--proxy-http-port', env: 'MESON_PROXY_HTTP_PORT' },
  proxySocksPort: { flag: '--proxy-socks-port', env: 'MESON_PROXY_SOCKS_PORT' },
  proxyTunnelPort: { flag: '--proxy-tunnel-port', env: 'MESON_PROXY_TUNNEL_PORT' },
  proxyPricePerGiB: { flag: '--proxy-price-per-gib', env: 'MESON_PROXY_PRICE_PER_GIB' },
  proxyExitAllow: { flag: '--proxy-exit-allow', env: 'MESON_PROXY_EXIT_ALLOW' },
  proxyDataIdle: { flag: '--proxy-data-idle', env: 'MESON_PROXY_DATA_IDLE' },
  proxyDataMax: { flag: '--proxy-data-max', env: 'MESON_PROXY_DATA_MAX' },
  epochLengthMs: { flag: '--epoch-length-ms', env: 'MESON_EPOCH_LENGTH_MS' },
  epochCloseDelayMs: { flag: '--epoch-close-delay-ms', env: 'MESON_EPOCH_CLOSE_DELAY_MS' },
  emissionPerHour: { flag: '--emission-per-hour', env: 'MESON_EMISSION_PER_HOUR' },
  emissionYearlyPercent: { flag: '--emission-yearly-percent', env: 'MESON_EMISSION_YEARLY_PERCENT' },
  emissionGenesisMs: { flag: '--emission-genesis-ms', env: 'MESON_EMISSION_GENESIS_MS' },
  scoreBandwidthCapMbps: { flag: '--score-bandwidth-cap-mbps', env: 'MESON_SCORE_BANDWIDTH_CAP_MBPS' },
  scoreStoragePoints: { flag: '--score-storage-points', env: 'MESON_SCORE_STORAGE_POINTS' },
  scoreCreditInitial: { flag: '--score-credit-initial', env: 'MESON_SCORE_CREDIT_INITIAL' },
  scoreCreditGainPerHour: { flag: '--score-credit-gain-per-hour', env: 'MESON_SCORE_CREDIT_GAIN_PER_HOUR' },
  scoreCreditLossPerHour: { flag: '--score-credit-loss-per-hour', env: 'MESON_SCORE_CREDIT_LOSS_PER_HOUR' },
  rewardsOneNodePerIp: { flag: '--rewards-one-node-per-ip', env: 'MESON_REWARDS_ONE_NODE_PER_IP' },
  probesEnabled: { flag: '--probes-enabled', env: 'MESON_PROBES_ENABLED' },
  probeIntervalMs: { flag: '--probe-interval-ms', env: 'MESON_PROBE_INTERVAL_MS' },
  probeClientIp: { flag: '--probe-client-ip', env: 'MESON_PROBE_CLIENT_IP' },
  storageProofsEnabled: { flag: '--storage-proofs-enabled', env: 'MESON_STORAGE_PROOFS_ENABLED' },
  storageSegmentBytes: { flag: '--storage-segment-bytes', env: 'MESON_STORAGE_SEGMENT_BYTES' },
  storageProofMaxBytes: { flag: '--storage-proof-max-bytes', env: 'MESON_STORAGE_PROOF_MAX_BYTES' },
  storageChallengeBytes: { flag: '--storage-challenge-bytes', env: 'MESON_STORAGE_CHALLENGE_BYTES' },
  dashboardDir: { flag: '--dashboard-dir', env: 'MESON_DASHBOARD_DIR' },
  chainRpcUrl: { flag: '--chain-rpc-url', env: 'MESON_CHAIN_RPC_URL' },
  chainId: { flag: '--chain-id', env: 'MESON_CHAIN_ID' },
  tokenAddress: { flag: '--token-address', env: 'MESON_TOKEN_ADDRESS' },
  distributorAddress: { flag: '--distributor-address', env: 'MESON_DISTRIBUTOR_ADDRESS' },
  vaultAddress: { flag: '--vault-address', env: 'MESON_VAULT_ADDRESS' },
  settlerKeyFile: { flag: '--settler-key-file', env: 'MESON_SETTLER_KEY_FILE' },
  chainConfirmations: { flag: '--chain-confirmations', env: 'MESON_CHAIN_CONFIRMATIONS' },
  chainFromBlock: { flag: '--chain-from-block', env: 'MESON_CHAIN_FROM_BLOCK' },
}

/** The settings before defaults that depend on others are filled in (see `configSchema`). */
const configShape = z
  .strictObject({
    port: boundedInteger(0, 65535).default(7400),
    host: z.string({ error: 'expected a host name or IP address' }).regex(/^[^\s/]{1,253}$/, { error: 'expected a host name or IP address' }).default('127.0.0.1'),
    dataDir: z.string({ error: 'expected a directory path' }).min(1, { error: 'expected a directory path' }).default('./.data/coordinator'),
    // Messages never echo the value: a database URL may carry a password.
    db: z
      .string({ error: 'expected a database URL or path' })
      .min(1, { error: 'expected a database URL or path' })
      .refine((url) => DB_URL.test(url) || !ANY_SCHEME.test(url) || /^[a-z]:[\\/]/i.test(url), {
        error: 'expected sqlite:<path>, sqlite::memory:, file:///<path>, postgres://... or a file path',
      })
      .optional(),
    adminToken: z
      .string({ error: 'expected a string of at least 16 characters' })
      .min(16, { error: 'expected at least 16 characters' })
      .max(512, { error: 'expected at most 512 characters' })
      .regex(/^[\x21-\x7e]+$/, { error: 'expected printable ASCII without spaces' })
      .optional(),
    logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    bodyLimitBytes: boundedInteger(1024, 64 * 1024 * 1024).default(1024 * 1024),
    defaultPricePerGiB: priceSchema.default(DEFAULT_PRICE_PER_GIB),
    minNodeVersion: semverSchema.default('0.1.0'),
    allowSharedIp: booleanSchema.default(false),
    // 5 s heartbeats and down after 12 s: a killed node leaves the redirector's view within
    // 15 s (12 s + one sweep ≤ 1 s + the view's refresh), see docs/adr/0010.
    heartbeatIntervalMs: boundedInteger(1_000, 3_600_000).default(DEFAULT_HEARTBEAT_INTERVAL_MS),
    nodeDownAfterMs: boundedInteger(1_000, 86_400_000).optional(),
    coordinatorKeyFile: z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }).optional(),
    ticketKeyFile: z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }).optional(),
    operatorSharePercent: boundedInteger(0, 100).default(80),
    usageFlushMs: boundedInteger(10, 60_000).default(1_000),
    usageGraceMs: boundedInteger(0, 7 * 86_400_000).default(6 * 3_600_000),
    usageSizeTolerancePercent: boundedInteger(0, 1_000).default(10),
    usageSizeOverheadBytes: byteCountSchema.default(512n),
    usageFleetMinNodes: boundedInteger(1, 1_000).default(3),
    usageResponsesPerTicket: boundedInteger(1, 10_000).default(1),
    trustProxy: booleanSchema.default(false),
    redirectRawConnections: booleanSchema.default(true),
    redirectWorkers: boundedInteger(0, 64).default(0),
    redirectPort: boundedInteger(0, 65535).default(7410),
    ticketTtlMs: boundedInteger(1_000, 86_400_000).default(5 * 60_000),
    ticketByteBudget: byteCountSchema.default(2n ** 30n),
    ticketBudgetResponses: boundedInteger(0, 10_000).default(1),
    originFallbackTimeoutMs: boundedInteger(100, 300_000).default(10_000),
    publicUrl: publicUrlSchema.optional(),
    minPricePerGiB: priceSchema.default(DEFAULT_MIN_PRICE_PER_GIB),
    maxPricePerGiB: priceSchema.default(DEFAULT_MAX_PRICE_PER_GIB),
    headersTimeoutMs: boundedInteger(1_000, 300_000).default(10_000),
    domainVerificationBaseUrl: publicUrlSchema.optional(),
    proxyHttpPort: boundedInteger(0, 65535).optional(),
    proxySocksPort: boundedInteger(0, 65535).optional(),
    proxyTunnelPort: boundedInteger(0, 65535).default(7403),
    proxyPricePerGiB: priceSchema.default(DEFAULT_PROXY_PRICE_PER_GIB),
    proxyExitAllow: z
      .string({ error: 'expected IP:PORT entries separated by commas' })
      .refine((text) => text.split(',').every((item) => item.trim() === '' || parseExitAllowEntry(item.trim()) !== undefined), { error: 'expected IP:PORT entries separated by commas' })
      .default(''),
    // The bounds are the grant's wire limits (packages/protocol tunnel-data-protocol.ts).
    proxyDataIdle: boundedInteger(0, 64).default(8),
    proxyDataMax: boundedInteger(1, 4096).default(512),
    epochLengthMs: boundedInteger(1_000, 7 * 86_400_000).default(3_600_000),
    epochCloseDelayMs: boundedInteger(0, 3_600_000).default(60_000),
    emissionPerHour: emissionSchema.default(DEFAULT_EMISSION_PER_HOUR),
    emissionYearlyPercent: boundedInteger(0, 100).default(80),
    emissionGenesisMs: boundedInteger(0, 8_640_000_000_000).default(Date.UTC(2026, 0, 1)),
    scoreBandwidthCapMbps: boundedInteger(1, 1_000_000).default(1_500),
    scoreStoragePoints: storagePointsSchema.prefault('20GB:0.7,60GB:0.85,100GB:1'),
    scoreCreditInitial: fraction.default(0.4),
    scoreCreditGainPerHour: fraction.default(0.6 / (30 * 24)),
    scoreCreditLossPerHour: fraction.default(0.6 / (3 * 24)),
    rewardsOneNodePerIp: booleanSchema.default(true),
    probesEnabled: booleanSchema.default(false),
    probeIntervalMs: boundedInteger(200, 86_400_000).default(600_000),
    probeClientIp: z.string({ error: 'expected an IP address' }).refine((text) => isIP(text) !== 0, { error: 'expected an IP address' }).default('127.0.0.1'),
    storageProofsEnabled: booleanSchema.default(true),
    storageSegmentBytes: boundedInteger(4096, 256 * 1024 * 1024).default(64 * 1024 * 1024),
    storageProofMaxBytes: byteCountSchema.default(100n * 10n ** 9n),
    storageChallengeBytes: boundedInteger(16, 1024 * 1024).default(64 * 1024),
    dashboardDir: z.string({ error: 'expected a directory path' }).min(1, { error: 'expected a directory path' }).optional(),
    chainRpcUrl: chainRpcUrlSchema.optional(),
    chainId: boundedInteger(1, 2 ** 32 - 1).optional(),
    tokenAddress: contractAddressSchema.optional(),
    distributorAddress: contractAddressSchema.optional(),
    vaultAddress: contractAddressSchema.optional(),
    settlerKeyFile: z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }).optional(),
    chainConfirmations: boundedInteger(1, 1_000).default(1),
    chainFromBlock: boundedInteger(0, Number.MAX_SAFE_INTEGER).default(0),
  })

/** The whole schema: defaults that depend on other keys filled in, cross-key rules checked. */
export const configSchema = configShape
  .transform(
    (raw): CoordinatorConfig => ({
      ...raw,
      adminToken: raw.adminToken,
      publicUrl: raw.publicUrl,
      domainVerificationBaseUrl: raw.domainVerificationBaseUrl,
      proxyHttpPort: raw.proxyHttpPort,
      proxySocksPort: raw.proxySocksPort,
      dashboardDir: raw.dashboardDir,
      chainRpcUrl: raw.chainRpcUrl,
      chainId: raw.chainId,
      tokenAddress: raw.tokenAddress,
      distributorAddress: raw.distributorAddress,
      vaultAddress: raw.vaultAddress,
      settlerKeyFile: raw.settlerKeyFile,
      db: raw.db ?? `sqlite:${join(raw.dataDir, 'coordinator.db')}`,
      nodeDownAfterMs: raw.nodeDownAfterMs ?? defaultNodeDownAfterMs(raw.heartbeatIntervalMs),
      coordinatorKeyFile: raw.coordinatorKeyFile ?? join(raw.dataDir, 'coordinator-key.pem'),
      ticketKeyFile: raw.ticketKeyFile ?? join(raw.dataDir, 'ticket-keys.json'),
    }),
  )
  .refine((config) => config.proxyDataIdle <= config.proxyDataMax, {
    error: 'must not exceed proxyDataMax (the idle data connections count towards it)',
    path: ['proxyDataIdle'],
  })
  .refine((config) => config.nodeDownAfterMs > config.heartbeatIntervalMs, {
    error: 'must be longer than heartbeatIntervalMs, or nodes flap down between heartbeats',
    path: ['nodeDownAfterMs'],
  })
  // Probe tickets are bound to probeClientIp: a public coordinator probing with the
  // loopback default would fail every probe and zero every node's correctness.
  .refine((config) => !config.probesEnabled || config.publicUrl === undefined || isLoopbackHost(new URL(config.publicUrl).hostname) || !isLoopbackHost(config.probeClientIp), {
    error: 'set it to the address nodes see the coordinator\'s probes come from (probe tickets are bound to it)',
    path: ['probeClientIp'],
  })
  .superRefine((config, ctx) => {
    const missing = missingChainKey(config)
    if (missing !== undefined) ctx.addIssue({ code: 'custom', message: 'required when any chain setting is given (chainRpcUrl, chainId, tokenAddress, distributorAddress, vaultAddress, settlerKeyFile)', path: [missing] })
  })
  .refine((config) => config.minPricePerGiB <= config.defaultPricePerGiB && config.defaultPricePerGiB <= config.maxPricePerGiB, {
    error: 'must lie between minPricePerGiB and maxPricePerGiB',
    path: ['defaultPricePerGiB'],
  })

/**
 * The schema's default of each key (absent where the default depends on another key,
 * e.g. `db` on `dataDir`), for help texts generated from the schema.
 */
export function configDefaults(): Readonly<Partial<Record<ConfigKey, unknown>>> {
  return configShape.parse({})
}
