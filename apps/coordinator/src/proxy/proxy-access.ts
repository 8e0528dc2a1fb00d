import type { ProxyStore } from './proxy-store.ts'

/** What the HTTP API needs of the proxy product: its store and where buyers point their clients. */
export interface ProxyAccess {
  readonly proxyStore: ProxyStore
  /** `http://host:port` of the HTTP proxy, if it runs. */
  readonly httpUrl: string | undefined
  /** `socks5h://host:port` of the SOCKS5 proxy, if it runs. */
  readonly socks5Url: string | undefined
}
