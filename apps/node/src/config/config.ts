import { BaseError, parseByteSize, publicKeyFromString, publicUrlSchema } from '@meson/protocol'
import { z } from 'zod'
import { parseExitSettings } from '../proxy/exit-settings.ts'
import type { ExitSettings } from '../proxy/exit-settings.ts'

/** The edge node's settings, parsed once at start and deep-frozen. */
export interface NodeConfig {
  /** Standalone mode: the one origin this node is a caching reverse proxy for. */
  readonly originUrl: URL
  readonly host: string
  /** 0 picks a free port (tests). */
  readonly port: number
  /** Separate port for `/_meson/*`; undefined serves them on `port`. */
  readonly adminPort: number | undefined
  readonly dataDir: string
  readonly cacheSizeBytes: bigint
  readonly memoryCacheBytes: bigint
  /** Bodies up to this size may live in the memory tier (served with one write). */
  readonly memoryMaxObjectSizeBytes: bigint
  /** Bigger responses are proxied but never stored. */
  readonly maxObjectSizeBytes: bigint
  /** Bearer token for `POST /_meson/purge`; undefined disables purging. */
  readonly adminToken: string | undefined
  readonly originConnectTimeoutMs: number
  /** Time from sending the request to the origin's response headers. */
  readonly originTimeoutMs: number
  /** Longest silence of the origin socket once a response has started. */
  readonly originIdleTimeoutMs: number
  readonly originMaxSockets: number
  readonly maxHeaderSizeBytes: number
  readonly maxHeaderCount: number
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  /** How long a collapsed request waits for the leader's fill before going to the origin itself. */
  readonly collapseWaitTimeoutMs: number
  /** How long SIGTERM waits for in-flight responses before closing them. */
  readonly shutdownGraceMs: number
  /**
   * Standalone mode: read each connection first and answer plain fresh in-memory hits
   * without node:http (`adapters/raw-http/`); anything else goes to node:http.
   */
  readonly fastConnections: boolean
  /** Device token of targeted `Surrogate-Control` directives this node obeys (`max-age=60;<token>`). */
  readonly surrogateTarget: string
}

/** One setting: the config key, its CLI flag, its environment variable, its default. */
export interface NodeSetting {
  readonly key: keyof NodeConfig
  readonly flag: string
  readonly env: string
  readonly defaultValue: string | undefined
  readonly meaning: string
}

/** Every setting of the node, in the order the README lists them. */
export const NODE_SETTINGS: readonly NodeSetting[] = [
  { key: 'originUrl', flag: '--origin', env: 'MESON_NODE_ORIGIN', defaultValue: undefined, meaning: 'origin base URL (http://host:port); required in standalone mode' },
  { key: 'host', flag: '--host', env: 'MESON_NODE_HOST', defaultValue: '127.0.0.1', meaning: 'address to listen on' },
  { key: 'port', flag: '--port', env: 'MESON_NODE_PORT', defaultValue: '8003', meaning: 'port to listen on (0: any free port)' },
  { key: 'adminPort', flag: '--admin-port', env: 'MESON_NODE_ADMIN_PORT', defaultValue: undefined, meaning: 'serve /_meson/* on this port instead of the main one' },
  { key: 'dataDir', flag: '--data-dir', env: 'MESON_NODE_DATA_DIR', defaultValue: '.data/node', meaning: 'directory of the disk cache' },
  { key: 'cacheSizeBytes', flag: '--cache-size', env: 'MESON_NODE_CACHE_SIZE', defaultValue: '10GiB', meaning: 'disk quota of the cache (LRU eviction above it)' },
  { key: 'memoryCacheBytes', flag: '--memory-cache', env: 'MESON_NODE_MEMORY_CACHE', defaultValue: '256MiB', meaning: 'memory tier for hot small objects' },
  { key: 'memoryMaxObjectSizeBytes', flag: '--memory-max-object-size', env: 'MESON_NODE_MEMORY_MAX_OBJECT_SIZE', defaultValue: '2MiB', meaning: 'bodies up to this size may be kept in the memory tier' },
  { key: 'maxObjectSizeBytes', flag: '--max-object-size', env: 'MESON_NODE_MAX_OBJECT_SIZE', defaultValue: '1GiB', meaning: 'bigger responses are proxied, not stored' },
  { key: 'adminToken', flag: '--admin-token', env: 'MESON_NODE_ADMIN_TOKEN', defaultValue: undefined, meaning: 'bearer token for POST /_meson/purge (unset: purge disabled)' },
  { key: 'originConnectTimeoutMs', flag: '--origin-connect-timeout-ms', env: 'MESON_NODE_ORIGIN_CONNECT_TIMEOUT_MS', defaultValue: '5000', meaning: 'TCP connect to the origin' },
  { key: 'originTimeoutMs', flag: '--origin-timeout-ms', env: 'MESON_NODE_ORIGIN_TIMEOUT_MS', defaultValue: '30000', meaning: 'request sent → origin response headers (504 after)' },
  { key: 'originIdleTimeoutMs', flag: '--origin-idle-timeout-ms', env: 'MESON_NODE_ORIGIN_IDLE_TIMEOUT_MS', defaultValue: '30000', meaning: 'silence on the origin socket mid-response (response aborted after)' },
  { key: 'originMaxSockets', flag: '--origin-max-sockets', env: 'MESON_NODE_ORIGIN_MAX_SOCKETS', defaultValue: '256', meaning: 'keep-alive connections to the origin, at most' },
  { key: 'maxHeaderSizeBytes', flag: '--max-header-size', env: 'MESON_NODE_MAX_HEADER_SIZE', defaultValue: '16KiB', meaning: 'request line + headers, at most (431 above)' },
  { key: 'maxHeaderCount', flag: '--max-header-count', env: 'MESON_NODE_MAX_HEADER_COUNT', defaultValue: '100', meaning: 'request header fields, at most (431 above)' },
  { key: 'headersTimeoutMs', flag: '--headers-timeout-ms', env: 'MESON_NODE_HEADERS_TIMEOUT_MS', defaultValue: '10000', meaning: 'a client must send its headers within this (slowloris)' },
  { key: 'requestTimeoutMs', flag: '--request-timeout-ms', env: 'MESON_NODE_REQUEST_TIMEOUT_MS', defaultValue: '60000', meaning: 'a client must send its whole request within this' },
  { key: 'keepAliveTimeoutMs', flag: '--keep-alive-timeout-ms', env: 'MESON_NODE_KEEP_ALIVE_TIMEOUT_MS', defaultValue: '5000', meaning: 'idle client keep-alive connections are closed after this' },
  { key: 'collapseWaitTimeoutMs', flag: '--collapse-wait-timeout-ms', env: 'MESON_NODE_COLLAPSE_WAIT_TIMEOUT_MS', defaultValue: '10000', meaning: 'a collapsed request waits this long for the first fill, then asks the origin itself' },
  { key: 'shutdownGraceMs', flag: '--shutdown-grace-ms', env: 'MESON_NODE_SHUTDOWN_GRACE_MS', defaultValue: '10000', meaning: 'on SIGTERM/SIGINT, in-flight responses get this long to finish' },
  { key: 'fastConnections', flag: '--fast-connections', env: 'MESON_NODE_FAST_CONNECTIONS', defaultValue: 'on', meaning: 'on|off: answer plain fresh hits (in coordinator mode: with a valid ticket) on the connection before node:http (off: node:http only)' },
  { key: 'surrogateTarget', flag: '--surrogate-target', env: 'MESON_NODE_SURROGATE_TARGET', defaultValue: 'meson', meaning: 'device token of targeted Surrogate-Control directives this node obeys (`max-age=60;meson`)' },
]

/** A setting has a value that cannot be used; the message names the key. */
export class NodeConfigError extends BaseError {
  override readonly name = 'NodeConfigError'
  constructor(shortMessage: string) {
    super('CONFIG_INVALID', shortMessage)
  }
}

const byteSize = z.string().transform((text, context) => {
  const parsed = parseByteSize(text)
  if (!parsed.ok) {
    context.addIssue({ code: 'custom', message: parsed.reason })
    return z.NEVER
  }
  return parsed.value
})
const safeByteCount = byteSize.pipe(z.bigint().min(1n).max(BigInt(Number.MAX_SAFE_INTEGER))).transform(Number)
const durationMs = z.coerce.number().int().min(1).max(24 * 3_600_000)
const tcpPort = z.coerce.number().int().min(0).max(65_535)
const onOff = z.enum(['on', 'off', 'true', 'false']).transform((text) => text === 'on' || text === 'true')
const httpOrigin = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).transform((text) => new URL(text))

const configSchema = z.object({
  originUrl: httpOrigin,
  host: z.string().min(1),
  port: tcpPort,
  adminPort: tcpPort.optional(),
  dataDir: z.string().min(1),
  cacheSizeBytes: byteSize,
  memoryCacheBytes: byteSize,
  memoryMaxObjectSizeBytes: byteSize,
  maxObjectSizeBytes: byteSize,
  adminToken: z.string().min(8, 'must be at least 8 characters').optional(),
  originConnectTimeoutMs: durationMs,
  originTimeoutMs: durationMs,
  originIdleTimeoutMs: durationMs,
  originMaxSockets: z.coerce.number().int().min(1).max(65_535),
  maxHeaderSizeBytes: safeByteCount,
  maxHeaderCount: z.coerce.number().int().min(1).max(10_000),
  headersTimeoutMs: durationMs,
  requestTimeoutMs: durationMs,
  keepAliveTimeoutMs: durationMs,
  collapseWaitTimeoutMs: durationMs,
  shutdownGraceMs: durationMs,
  fastConnections: onOff,
  // An RFC 9110 token, compared case-insensitively (W3C Edge Architecture 1.0 §2.2).
  surrogateTarget: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, 'must be a token (letters, digits, -, _, ...)').transform((text) => text.toLowerCase()),
})

/** Where settings come from: flags (as typed) win over the environment, which wins over defaults. */
export interface LoadNodeConfigParameters {
  readonly flags?: Readonly<Partial<Record<keyof NodeConfig, string | undefined>>>
  /** Defaults to `process.env`; this module is the only reader of it. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Reads, validates and freezes the node's config; throws `NodeConfigError` naming the flag and env key. */
export function loadNodeConfig({ flags = {}, env = process.env }: LoadNodeConfigParameters): NodeConfig {
  const raw = rawSettings(NODE_SETTINGS, flags, env)
  const value = parseSettings(configSchema, raw, NODE_SETTINGS)
  if (value.originUrl.username !== '' || value.originUrl.password !== '') {
    // Credentials in the origin URL would end up in logs and errors; refuse them.
    throw new NodeConfigError('--origin (MESON_NODE_ORIGIN) must not contain credentials')
  }
  const config: NodeConfig = { ...value, adminPort: value.adminPort, adminToken: value.adminToken }
  Object.freeze(config.originUrl)
  return Object.freeze(config)
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text
}

/** Resolves each setting: the flag, else the environment, else the default. */
function rawSettings(
  settings: readonly SettingSource[],
  flags: Readonly<Partial<Record<string, string | undefined>>>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const raw: Record<string, string | undefined> = {}
  for (const setting of settings) raw[setting.key] = flags[setting.key] ?? nonEmpty(env[setting.env]) ?? setting.defaultValue
  return raw
}

/** Parses raw settings; the error names the flag and environment variable of the first bad one. */
function parseSettings<S extends z.ZodType>(schema: S, raw: Record<string, string | undefined>, settings: readonly SettingSource[]): z.output<S> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const key = String(issue?.path[0] ?? '')
  const setting = settings.find((candidate) => candidate.key === key)
  const where = setting === undefined ? key : `${setting.flag} (${setting.env})`
  const problem = raw[key] === undefined ? 'is required' : (issue?.message ?? 'is invalid')
  throw new NodeConfigError(`${where} ${problem}`)
}

/** What `rawSettings` needs of a setting. */
interface SettingSource {
  readonly key: string
  readonly flag: string
  readonly env: string
  readonly defaultValue: string | undefined
}

/** Settings of coordinator mode (`--coordinator`), on top of every setting but `--origin`. */
export interface CoordinatorModeConfig {
  /** Base URL of the coordinator (a path prefix is kept). */
  readonly coordinatorUrl: URL
  /** The operator's API token, sent on registration only; never logged. */
  readonly operatorToken: string
  /** URL the coordinator calls back and sends clients to; undefined: the listening URL. */
  readonly publicUrl: string | undefined
  readonly heartbeatIntervalMs: number
  readonly declaredUplinkMbps: number
  /** Usage is sealed into a signed, journaled batch at least this often (the crash-loss window). */
  readonly usageFlushIntervalMs: number
  /** Least time between two group commits of the served-bytes log (ADR 0009, "Fifth session"); 0: back to back. */
  readonly usageCommitIntervalMs: number
  /** Production pin of the coordinator's ticket key (raw ed25519, base64url); undefined: trust what it serves. */
  readonly pinnedCoordinatorKey: Uint8Array | undefined
  /** Proxy exit settings as given (see proxy/exit-settings.ts); parsed into `proxyExit`. */
  readonly proxyGateway: string | undefined
  readonly exitAllow: string | undefined
  readonly exitMonthlyCap: string | undefined
  readonly exitBandwidth: string | undefined
  readonly exitHours: string | undefined
  readonly exitBlockedPorts: string | undefined
  /** IPFS denylist file (bad-bits format) loaded at start (#13); the coordinator can replace it. */
  readonly ipfsDenylistFile: string | undefined
  /** Proof of storage (ADR 0012, "Verified disk"): fill free offered disk with the coordinator's segments and answer its challenges. */
  readonly storageProofs: boolean
  /** Time between two fill rounds (ask for segments, give room back when the cache grew). */
  readonly storageFillIntervalMs: number
}

/** The whole config of a node in coordinator mode: no single origin (tickets name it). */
export type CoordinatorNodeConfig = Omit<NodeConfig, 'originUrl'> &
  CoordinatorModeConfig & {
    /** This node is a proxy exit when set (`--proxy-gateway`). */
    readonly proxyExit: ExitSettings | undefined
  }

/** One coordinator-mode setting (see {@link NodeSetting}). */
export interface CoordinatorModeSetting extends SettingSource {
  readonly key: keyof CoordinatorModeConfig
  readonly meaning: string
}

/** Settings only coordinator mode reads, in the order the README lists them. */
export const COORDINATOR_MODE_SETTINGS: readonly CoordinatorModeSetting[] = [
  { key: 'coordinatorUrl', flag: '--coordinator', env: 'MESON_NODE_COORDINATOR', defaultValue: undefined, meaning: 'coordinator mode: base URL of the coordinator (excludes --origin)' },
  { key: 'operatorToken', flag: '--token', env: 'MESON_NODE_TOKEN', defaultValue: undefined, meaning: 'operator API token for registration (coordinator mode)' },
  { key: 'publicUrl', flag: '--public-url', env: 'MESON_NODE_PUBLIC_URL', defaultValue: undefined, meaning: 'URL clients and the coordinator reach this node at (default: the listening URL)' },
  { key: 'heartbeatIntervalMs', flag: '--heartbeat-interval-ms', env: 'MESON_NODE_HEARTBEAT_INTERVAL_MS', defaultValue: '30000', meaning: 'time between heartbeats (at least 1000)' },
  { key: 'declaredUplinkMbps', flag: '--uplink-mbps', env: 'MESON_NODE_UPLINK_MBPS', defaultValue: '100', meaning: 'uplink bandwidth declared at registration, Mbit/s' },
  { key: 'usageFlushIntervalMs', flag: '--usage-flush-interval-ms', env: 'MESON_NODE_USAGE_FLUSH_INTERVAL_MS', defaultValue: '10000', meaning: 'usage is sealed, journaled and sent at least this often' },
  { key: 'usageCommitIntervalMs', flag: '--usage-commit-interval-ms', env: 'MESON_NODE_USAGE_COMMIT_INTERVAL_MS', defaultValue: '50', meaning: 'least time between two fsyncs of the served-bytes log, 0 to 1000 (what a kill -9 can lose)' },
  { key: 'proxyGateway', flag: '--proxy-gateway', env: 'MESON_NODE_PROXY_GATEWAY', defaultValue: undefined, meaning: 'host:port of the proxy gateway tunnel: this node becomes a proxy exit' },
  { key: 'exitAllow', flag: '--exit-allow', env: 'MESON_NODE_EXIT_ALLOW', defaultValue: undefined, meaning: 'proxy exit: IP:PORT[,IP:PORT] reachable although not public (local tests only; empty by default)' },
  { key: 'exitMonthlyCap', flag: '--exit-monthly-cap', env: 'MESON_NODE_EXIT_MONTHLY_CAP', defaultValue: undefined, meaning: 'proxy exit: bytes per UTC month, e.g. 500GiB' },
  { key: 'exitBandwidth', flag: '--exit-bandwidth', env: 'MESON_NODE_EXIT_BANDWIDTH', defaultValue: undefined, meaning: 'proxy exit: bytes per second per direction, e.g. 10MiB' },
  { key: 'exitHours', flag: '--exit-hours', env: 'MESON_NODE_EXIT_HOURS', defaultValue: undefined, meaning: 'proxy exit: UTC hours FROM-TO it serves, e.g. 22-6' },
  { key: 'exitBlockedPorts', flag: '--exit-blocked-ports', env: 'MESON_NODE_EXIT_BLOCKED_PORTS', defaultValue: undefined, meaning: 'proxy exit: ports refused on top of 25,465,587' },
  { key: 'ipfsDenylistFile', flag: '--ipfs-denylist', env: 'MESON_NODE_IPFS_DENYLIST', defaultValue: undefined, meaning: 'IPFS gateway denylist file (bad-bits format) loaded at start; listed content answers 410' },
  { key: 'storageProofs', flag: '--storage-proofs', env: 'MESON_NODE_STORAGE_PROOFS', defaultValue: 'on', meaning: 'on|off: fill the offered disk the cache does not use with the coordinator\'s segments and answer its storage challenges (verified disk)' },
  { key: 'storageFillIntervalMs', flag: '--storage-fill-interval-ms', env: 'MESON_NODE_STORAGE_FILL_INTERVAL_MS', defaultValue: '60000', meaning: 'time between two storage fill rounds' },
  { key: 'pinnedCoordinatorKey', flag: '--coordinator-key', env: 'MESON_NODE_COORDINATOR_KEY', defaultValue: undefined, meaning: 'pin the coordinator key (base64url); a different key stops the node' },
]

const pinnedKey = z.string().transform((text, context) => {
  const key = publicKeyFromString(text)
  if (!key.ok) {
    context.addIssue({ code: 'custom', message: 'must be a base64url ed25519 public key' })
    return z.NEVER
  }
  return key.value
})

const coordinatorModeSchema = z.object({
  coordinatorUrl: httpOrigin,
  operatorToken: z.string().min(1).max(4096),
  publicUrl: z
    .string()
    .refine((text) => publicUrlSchema.safeParse(text).success, 'must be an http(s) URL without credentials or fragment')
    .optional(),
  heartbeatIntervalMs: z.coerce.number().int().min(1000).max(3_600_000),
  declaredUplinkMbps: z.coerce.number().int().min(1).max(1_000_000),
  usageFlushIntervalMs: durationMs,
  usageCommitIntervalMs: z.coerce.number().int().min(0).max(1000),
  pinnedCoordinatorKey: pinnedKey.optional(),
  proxyGateway: z.string().optional(),
  exitAllow: z.string().optional(),
  exitMonthlyCap: z.string().optional(),
  exitBandwidth: z.string().optional(),
  exitHours: z.string().optional(),
  exitBlockedPorts: z.string().optional(),
  ipfsDenylistFile: z.string().min(1).max(4096).optional(),
  storageProofs: onOff,
  storageFillIntervalMs: durationMs,
})

/** Which mode the node runs in, with its config. */
export type NodeModeConfig =
  | { readonly mode: 'standalone'; readonly config: NodeConfig }
  | { readonly mode: 'coordinator'; readonly config: CoordinatorNodeConfig }

/** Where settings of either mode come from (flags keyed by config key). */
export interface LoadNodeModeConfigParameters {
  readonly flags?: Readonly<Partial<Record<keyof NodeConfig | keyof CoordinatorModeConfig, string | undefined>>>
  readonly env?: Readonly<Record<string, string | undefined>>
}

/**
 * Reads the config of either mode: `--coordinator` selects coordinator mode, `--origin`
 * standalone mode; both at once is refused, since a node in coordinator mode takes its
 * origins from tickets and a second source would be ambiguous.
 */
export function loadNodeModeConfig({ flags = {}, env = process.env }: LoadNodeModeConfigParameters): NodeModeConfig {
  const coordinatorRaw = rawSettings(COORDINATOR_MODE_SETTINGS, flags, env)
  if (coordinatorRaw.coordinatorUrl === undefined) return { mode: 'standalone', config: loadNodeConfig({ flags, env }) }
  const baseSettings = NODE_SETTINGS.filter((setting) => setting.key !== 'originUrl')
  const baseRaw = rawSettings(baseSettings, flags, env)
  if (rawSettings(NODE_SETTINGS.filter((setting) => setting.key === 'originUrl'), flags, env).originUrl !== undefined) {
    throw new NodeConfigError('--origin (MESON_NODE_ORIGIN) and --coordinator (MESON_NODE_COORDINATOR) exclude each other: give --origin for standalone mode or --coordinator for coordinator mode')
  }
  const base = parseSettings(configSchema.omit({ originUrl: true }), baseRaw, baseSettings)
  const coordinator = parseSettings(coordinatorModeSchema, coordinatorRaw, COORDINATOR_MODE_SETTINGS)
  if (coordinator.coordinatorUrl.username !== '' || coordinator.coordinatorUrl.password !== '') {
    throw new NodeConfigError('--coordinator (MESON_NODE_COORDINATOR) must not contain credentials')
  }
  Object.freeze(coordinator.coordinatorUrl)
  const proxyExit = parseExitSettings(coordinator)
  if (!proxyExit.ok) throw new NodeConfigError(proxyExit.reason)
  const config: CoordinatorNodeConfig = {
    ...base,
    adminPort: base.adminPort,
    adminToken: base.adminToken,
    ...coordinator,
    publicUrl: coordinator.publicUrl,
    pinnedCoordinatorKey: coordinator.pinnedCoordinatorKey,
    proxyGateway: coordinator.proxyGateway,
    exitAllow: coordinator.exitAllow,
    exitMonthlyCap: coordinator.exitMonthlyCap,
    exitBandwidth: coordinator.exitBandwidth,
    exitHours: coordinator.exitHours,
    exitBlockedPorts: coordinator.exitBlockedPorts,
    proxyExit: proxyExit.value,
    ipfsDenylistFile: coordinator.ipfsDenylistFile,
  }
  return { mode: 'coordinator', config: Object.freeze(config) }
}
