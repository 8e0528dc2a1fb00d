import { createServer } from 'node:http'
import type { BlockSource } from '../../gateway/block-source.ts'
import { EMPTY_DENYLIST } from '../../gateway/denylist.ts'
import { DEFAULT_PREFETCH_WINDOW } from '../../gateway/prefetch-blocks.ts'
import type { GatewayContext } from './gateway-context.ts'
import { serveGatewayRequest } from './serve-gateway-request.ts'

/** A listening trustless gateway. */
export interface TrustlessGatewayServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  close(): Promise<void>
}

/**
 * Serves `/ipfs/` (raw, CAR, deserialized) straight from a block source, with no
 * verification or cache of its own: the demo's and the tests' local upstream, and the
 * "upstream served directly" side of `bench/gateway`.
 */
export async function startTrustlessGatewayServer(parameters: { readonly source: BlockSource; readonly host?: string; readonly port?: number }): Promise<TrustlessGatewayServer> {
  const context: GatewayContext = { source: parameters.source, denylist: () => EMPTY_DENYLIST, prefetchWindow: DEFAULT_PREFETCH_WINDOW, firstBlockTimeoutMs: 30_000 }
  const server = createServer((req, res) => {
    const url = req.url ?? '/'
    if (!url.startsWith('/ipfs/')) {
      res.writeHead(404, ['content-length', '0'])
      res.end()
      return
    }
    void serveGatewayRequest(context, req, res, url)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(parameters.port ?? 0, parameters.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('unreachable: a TCP server has an address')
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
