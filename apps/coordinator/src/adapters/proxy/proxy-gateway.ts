import type { AddressInfo } from 'node:net'
import type { ExitPolicy } from '@meson/protocol'
import { cachedProxyStore } from '../../proxy/cached-proxy-store.ts'
import { ExitPool } from '../../proxy/exit-pool.ts'
import { authenticateProxyUser } from '../../proxy/proxy-credentials.ts'
import { ProxyMeter } from '../../proxy/proxy-meter.ts'
import type { ProxyStore } from '../../proxy/proxy-store.ts'
import type { Store } from '../../store/store.ts'
import type { ExitTunnel } from './exit-tunnel.ts'
import { HttpProxyServer } from './http-proxy-server.ts'
import type { ProxyRouting } from './open-proxied-stream.ts'
import { Socks5Server } from './socks5-server.ts'
import { TunnelListener } from './tunnel-listener.ts'
import type { TunnelListenerOptions } from './tunnel-listener.ts'

export interface ProxyGatewayOptions {
  readonly host: string
  /** undefined: no HTTP proxy front end. */
  readonly httpPort: number | undefined
  /** undefined: no SOCKS5 front end. */
  readonly socksPort: number | undefined
  readonly tunnelPort: number
  /** The gateway's mirror of the exit policy (its allow-list opens loopback targets for local tests). */
  readonly policy: ExitPolicy
  readonly pricePerGiB: bigint
  readonly operatorSharePercent: number
  readonly store: Pick<Store, 'postTransaction' | 'getBalance'>
  readonly proxyStore: ProxyStore
  readonly authorizeExit: TunnelListenerOptions['authorizeExit']
  readonly sessionMs?: number
  readonly flushIntervalMs?: number
  readonly flushBytes?: number
  readonly maxHeaderSizeBytes?: number
  readonly pingIntervalMs?: number
  readonly now?: () => number
  readonly random?: () => number
  readonly onError?: (error: unknown) => void
  readonly onEvent?: TunnelListenerOptions['onEvent']
  /** Data connections granted per exit (default 8 idle, 512 at once); idle 0: HTTP/2 streams only. */
  readonly dataConnections?: TunnelListenerOptions['dataConnections']
  /** How long a credential hash read for a connection is reused (default 5000 ms; a rotation through `RunningProxyGateway.proxyStore` drops it at once). */
  readonly credentialTtlMs?: number
  /** How long a buyer's positive balance read for admission is reused (default 1000 ms; see `ProxyMeterOptions.balanceTtlMs`). */
  readonly balanceTtlMs?: number
}

export interface RunningProxyGateway {
  /** `http://host:port`, if the HTTP front end runs. */
  readonly httpUrl: string | undefined
  /** `socks5h://host:port`, if the SOCKS5 front end runs. */
  readonly socks5Url: string | undefined
  readonly tunnel: { readonly host: string; readonly port: number }
  readonly pool: ExitPool<ExitTunnel>
  /**
   * The proxy store as the gateway reads it (credential hashes cached in memory): rotate
   * secrets through this one, so the gateway forgets the old secret at once.
   */
  readonly proxyStore: ProxyStore
  stop(): Promise<void>
}

function urlOf(scheme: string, address: AddressInfo): string {
  return `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
}

/** Starts the proxy gateway: the tunnel listener for exits, and the HTTP and SOCKS5 front ends. */
export async function startProxyGateway(options: ProxyGatewayOptions): Promise<RunningProxyGateway> {
  const now = options.now ?? Date.now
  const onError = options.onError ?? (() => undefined)
  const pool = new ExitPool<ExitTunnel>({ now, random: options.random ?? Math.random })
  // Per-connection reads come from memory: no store round trip on a connection's setup path.
  const proxyStore = cachedProxyStore(options.proxyStore, { ttlMs: options.credentialTtlMs ?? 5000, now })
  const meter = new ProxyMeter({
    ports: {
      postTransaction: (transaction) => options.store.postTransaction(transaction),
      getBalance: (account) => options.store.getBalance(account),
      addUsage: (lines) => proxyStore.addUsage(lines),
    },
    pricePerGiB: options.pricePerGiB,
    operatorSharePercent: options.operatorSharePercent,
    now,
    flushBytes: options.flushBytes ?? 8 << 20,
    ...(options.balanceTtlMs === undefined ? {} : { balanceTtlMs: options.balanceTtlMs }),
  })
  const routing: ProxyRouting = { pool, policy: options.policy, meter, sessionMs: options.sessionMs ?? 10 * 60_000 }
  const authenticate = (username: string, password: string) => authenticateProxyUser(username, password, (account) => proxyStore.getCredentialHash(account))
  const flushIntervalMs = options.flushIntervalMs ?? 1000

  const tunnels = new TunnelListener({
    host: options.host,
    port: options.tunnelPort,
    pool,
    authorizeExit: options.authorizeExit,
    ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(options.dataConnections === undefined ? {} : { dataConnections: options.dataConnections }),
  })
  const http = options.httpPort === undefined ? undefined : new HttpProxyServer({ host: options.host, port: options.httpPort, routing, authenticate, flushIntervalMs, maxHeaderSizeBytes: options.maxHeaderSizeBytes ?? 16 * 1024, onError })
  const socks = options.socksPort === undefined ? undefined : new Socks5Server({ host: options.host, port: options.socksPort, routing, authenticate, flushIntervalMs, handshakeTimeoutMs: 10_000, onError })
  const started: { stop(): Promise<void> }[] = []
  try {
    const tunnelAddress = await tunnels.start()
    started.push(tunnels)
    const httpAddress = await http?.start()
    if (http !== undefined) started.push(http)
    const socksAddress = await socks?.start()
    return {
      httpUrl: httpAddress === undefined ? undefined : urlOf('http', httpAddress),
      socks5Url: socksAddress === undefined ? undefined : urlOf('socks5h', socksAddress),
      tunnel: { host: tunnelAddress.address, port: tunnelAddress.port },
      pool,
      proxyStore,
      async stop() {
        await Promise.all([tunnels.stop(), http?.stop(), socks?.stop()])
      },
    }
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()))
    throw error
  }
}
