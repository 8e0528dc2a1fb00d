import { BaseError, parseByteSize } from '@meson/protocol'
import { z } from 'zod'

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
})

/** Where settings come from: flags (as typed) win over the environment, which wins over defaults. */
export interface LoadNodeConfigParameters {
  readonly flags?: Readonly<Partial<Record<keyof NodeConfig, string | undefined>>>
  /** Defaults to `process.env`; this module is the only reader of it. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Reads, validates and freezes the node's config; throws `NodeConfigError` naming the flag and env key. */
export function loadNodeConfig({ flags = {}, env = process.env }: LoadNodeConfigParameters): NodeConfig {
  const raw: Record<string, string | undefined> = {}
  for (const setting of NODE_SETTINGS) {
    raw[setting.key] = flags[setting.key] ?? nonEmpty(env[setting.env]) ?? setting.defaultValue
  }
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const key = String(issue?.path[0] ?? '')
    const setting = NODE_SETTINGS.find((candidate) => candidate.key === key)
    const where = setting === undefined ? key : `${setting.flag} (${setting.env})`
    const problem = raw[key] === undefined ? 'is required' : (issue?.message ?? 'is invalid')
    throw new NodeConfigError(`${where} ${problem}`)
  }
  const value = parsed.data
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
