import { importFiles, MemoryBlockSource, startTrustlessGatewayServer } from '@meson/node'
import type { TrustlessGatewayServer } from '@meson/node'

/** The demo's IPFS side: a local upstream trustless gateway holding a small directory. */
export interface DemoGateway {
  readonly upstream: TrustlessGatewayServer
  /** CIDv1 of the directory added at start. */
  readonly rootCid: string
  /** Files in it, relative to the root. */
  readonly files: readonly string[]
}

const encoder = new TextEncoder()

/**
 * Adds a small directory (an index page, a stylesheet, a text file and a 1 MiB file in
 * 256 KiB blocks) with the UnixFS importer and serves it as a trustless gateway on
 * loopback: the upstream of the demo's ipfs zone. Nodes verify every block it sends.
 */
export async function startDemoGateway(options: { readonly port: number }): Promise<DemoGateway> {
  const blocks = new MemoryBlockSource()
  const big = new Uint8Array(1024 * 1024).map((_, index) => (index * 31 + 7) & 0xff)
  const files = [
    { path: 'index.html', content: encoder.encode('<!doctype html><title>Meson GatewayX</title><link rel="stylesheet" href="style.css"><h1>Served by a Meson node, every block verified</h1><a href="hello.txt">hello.txt</a>\n') },
    { path: 'style.css', content: encoder.encode('body { font-family: sans-serif }\n') },
    { path: 'hello.txt', content: encoder.encode('hello from IPFS through Meson\n') },
    { path: 'data/1m.bin', content: big },
  ]
  const root = await importFiles(blocks, files)
  const upstream = await startTrustlessGatewayServer({ source: blocks, host: '127.0.0.1', port: options.port })
  return { upstream, rootCid: root.toString(), files: files.map((file) => file.path) }
}
