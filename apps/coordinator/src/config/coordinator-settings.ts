import { CONFIG_KEYS, configDefaults } from './config.ts'
import type { ConfigKey } from './config.ts'

/** One setting as the CLI offers it: generated from `CONFIG_KEYS` and the config schema. */
export interface CoordinatorSetting {
  readonly key: ConfigKey
  /** e.g. `--data-dir`. */
  readonly flag: string
  readonly env: string
  /** One line for `--help`. */
  readonly meaning: string
  /** A switch (`--trust-proxy`) rather than `--flag <value>`: the schema's default is a boolean. */
  readonly isSwitch: boolean
  /** The schema's default as text, or undefined when it depends on another setting. */
  readonly defaultText: string | undefined
}

/** What each key means, for `--help` (the README's config table says more). */
const MEANINGS: Partial<Record<ConfigKey, string>> = {
  port: 'TCP port of the HTTP API; 0 picks a free one',
  host: 'address to listen on',
  dataDir: 'directory for the database, the admin token and the coordinator key',
  db: 'sqlite:<path>, sqlite::memory:, postgres://... (default sqlite:<data-dir>/coordinator.db)',
  adminToken: 'admin API token, at least 16 characters (default: generated into <data-dir>/admin-token)',
  logLevel: 'fatal, error, warn, info, debug, trace or silent',
  bodyLimitBytes: 'largest request body the API reads',
  defaultPricePerGiB: 'price of a zone created without one: base units or "0.05 MSN"',
  minNodeVersion: 'refuse nodes below this version',
  allowSharedIp: 'let several nodes register from one IP (local testing, the demo)',
  heartbeatIntervalMs: 'how often nodes heartbeat, at least 1000',
  nodeDownAfterMs: 'silence after which a node is down (default 3 × heartbeat interval)',
  coordinatorKeyFile: 'ed25519 key that signs tickets and commands (default <data-dir>/coordinator-key.pem, created 0600)',
  operatorSharePercent: "whole percent of each usage charge credited to the node's operator",
  usageFlushMs: 'how often issued tickets are written to the database',
  usageGraceMs: "how long after a ticket's expiry its usage is accepted",
  usageSizeTolerancePercent: "percent a response may bill beyond its object's known size",
  usageSizeOverheadBytes: 'bytes a response may bill beyond its object size + tolerance',
  usageFleetMinNodes: "other nodes needed before the fleet's median bytes per response sizes an object",
  usageResponsesPerTicket: 'whole responses of its object one ticket may bill',
  trustProxy: 'take the client address from the last X-Forwarded-For entry (only behind your own proxy)',
  redirectRawConnections: 'answer plain zone redirects on the raw connection path in front of node:http (false: node:http only)',
  redirectWorkers: 'redirect worker processes serving zone requests on the redirect port, fed by this process (0: none)',
  redirectPort: 'port the redirect workers share with SO_REUSEPORT (0: any free port); used only with redirect workers',
  ticketTtlMs: 'lifetime of a ticket the redirector signs',
  ticketByteBudget: 'bytes a node may serve on one ticket',
  ticketBudgetResponses: 'whole responses a ticket for an object of known size may serve (0: always the byte budget)',
  originFallbackTimeoutMs: "origin fallback: time for the origin's headers and each silence in its body",
  ticketKeyFile: 'ticket master secrets, the same file on every replica (created 0600; ADR 0016)',
  publicUrl: 'URL clients reach this coordinator at (its host is never a custom domain)',
  minPricePerGiB: 'lowest zone price, base units or "0.001 MSN"',
  maxPricePerGiB: 'highest zone price, base units or "1000 MSN"',
  headersTimeoutMs: 'time a client has to send its request headers',
  domainVerificationBaseUrl: 'ask this server for custom-domain challenges (with Host: <domain>) instead of http://<domain>',
  proxyHttpPort: 'run the proxy gateway with an HTTP proxy (CONNECT and plain HTTP) on this port',
  proxySocksPort: 'run the proxy gateway with a SOCKS5 proxy on this port',
  proxyTunnelPort: 'port proxy exits dial for their tunnel',
  proxyPricePerGiB: 'price of proxy traffic per GiB, base units or "1 MSN"',
  proxyExitAllow: 'IP:PORT[,IP:PORT] the gateway lets through although not public (local tests only)',
  proxyDataIdle: 'data connections each proxy exit keeps dialed and waiting (0: HTTP/2 streams only)',
  proxyDataMax: 'data connections each proxy exit may have open at once; beyond, streams use HTTP/2',
  epochLengthMs: 'length of a rewards epoch',
  epochCloseDelayMs: 'how long after its end an epoch is closed',
  emissionPerHour: 'token emission per hour in the first year, base units or "1000 MSN"',
  emissionYearlyPercent: "each year's emission rate as a percent of the year before",
  emissionGenesisMs: 'when emission starts, ms since the Unix epoch',
  scoreBandwidthCapMbps: 'measured bandwidth above this earns no more score',
  scoreStoragePoints: 'the storage curve: <size>:<factor> points, linear between, 0 below the first',
  scoreCreditInitial: 'credit a new node starts with, and its floor',
  scoreCreditGainPerHour: 'credit gained per healthy hour online',
  scoreCreditLossPerHour: 'credit lost per hour down',
  rewardsOneNodePerIp: 'one rewarded node per public IP, a /24 shares one share',
  probesEnabled: 'probe every live node (content, IPFS content, speed, reachability) through the system probe zone',
  probeIntervalMs: 'mean time between two probe rounds of one node (jittered 50-150 %)',
  storageProofsEnabled: 'with probes on: give nodes proof-of-storage fill and challenge it each round; only proven disk scores',
  storageSegmentBytes: 'bytes per segment of proof-of-storage fill',
  storageProofMaxBytes: 'most proof-of-storage fill one node is given',
  storageChallengeBytes: 'bytes one storage challenge reads on the node',
  probeClientIp: 'the address nodes see probes come from (probe tickets are bound to it)',
  chainRpcUrl: 'JSON-RPC URL of the chain to settle on (with chainId, the three addresses and settlerKeyFile; none: no chain)',
  chainId: 'chain id the RPC must serve',
  tokenAddress: 'the network token contract (EIP-55 or all lowercase)',
  distributorAddress: 'the cumulative Merkle distributor roots are posted to',
  vaultAddress: 'the deposit vault whose events credit buyers',
  settlerKeyFile: 'file (mode 0600) holding the private key with SETTLER_ROLE; never the key itself',
  chainConfirmations: 'blocks a root or a deposit must be under before it counts',
  chainFromBlock: "the contracts' deployment block, where event searches start",
  dashboardDir: "built dashboard to serve at / (meson-net coordinator defaults to @meson/dashboard's build)",
}

/** Every configuration key as a CLI setting, in `CONFIG_KEYS` order. */
export function coordinatorSettings(): readonly CoordinatorSetting[] {
  const defaults = configDefaults()
  return Object.entries(CONFIG_KEYS).map(([name, names]) => {
    const key = name as ConfigKey // Object.entries widens the keys of CONFIG_KEYS to string.
    const value = defaults[key]
    return {
      key,
      flag: names.flag,
      env: names.env,
      meaning: MEANINGS[key] ?? key,
      isSwitch: typeof value === 'boolean',
      defaultText: defaultTextOf(value),
    }
  })
}

/** A schema default as help text; every default is a primitive (undefined: none of its own). */
function defaultTextOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value.toString()
  return undefined
}
export { LOG_LEVELS } from './config.ts'
