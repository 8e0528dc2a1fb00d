import { after, before } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { importFiles } from '../../gateway/import-files.ts'
import { buildGatewayFixtures, fixtureBytes } from './gateway-fixtures.ts'
import type { GatewayFixtures } from './gateway-fixtures.ts'
import { startGatewayHarness } from './gateway-harness.ts'
import type { GatewayHarness } from './gateway-harness.ts'

/** Bytes of the plain json (0x0200) block. */
export const PLAIN_JSON = new TextEncoder().encode('{"hello":"plain json","n":[1,2,3]}')
/** Bytes of the plain cbor (0x51) block: `{"a": 1}`. */
export const PLAIN_CBOR = Uint8Array.from([0xa1, 0x61, 0x61, 0x01])
/** Content of `ą/ę/file-źł.txt` in the `duplicates` directory. */
export const ASCII = new TextEncoder().encode('hello application/vnd.ipld.car')

/** An answer read whole. */
export interface ReadAnswer {
  readonly status: number
  readonly headers: Headers
  readonly body: Uint8Array
}

/**
 * The gateway fixtures plus what the gateway-conformance cases need (ipfs/gateway-conformance
 * fixtures rebuilt here), behind a node gateway on loopback in front of a loopback upstream.
 */
export interface ConformanceSetup {
  readonly fixtures: GatewayFixtures
  readonly harness: GatewayHarness
  /** A directory with two identical files (ascii.txt, ascii-copy.txt), a multi-block file and ą/ę/file-źł.txt. */
  readonly duplicates: CID
  /** A UnixFS symlink whose target is "foo". */
  readonly symlink: CID
  readonly plainJson: CID
  readonly plainCbor: CID
  /** A raw block no test asks for before the only-if-cached test. */
  readonly uncached: CID
  /** GET (or `method`) of a path on the gateway, redirects not followed. */
  get(path: string, headers?: Record<string, string>, method?: string): Promise<ReadAnswer>
}

/**
 * Registers the hooks the gateway-conformance suites share: before them, a setup started
 * (handed to `onReady`); after them, its harness closed.
 */
export function useConformanceSetup(onReady: (setup: ConformanceSetup) => void): void {
  let started: ConformanceSetup | undefined
  before(async () => {
    started = await startConformanceSetup()
    onReady(started)
  })
  after(async () => {
    await started?.harness.close()
  })
}

/** Builds the fixtures and starts the harness; close it with `harness.close()`. */
export async function startConformanceSetup(): Promise<ConformanceSetup> {
  const fixtures = await buildGatewayFixtures()
  const ascii = new TextEncoder().encode('the same bytes twice\n')
  const duplicates = await importFiles(
    fixtures.blocks,
    [
      { path: 'ascii.txt', content: ascii },
      { path: 'ascii-copy.txt', content: ascii },
      { path: 'multiblock.txt', content: fixtureBytes(1026, 5) },
      { path: 'ą/ę/file-źł.txt', content: ASCII },
    ],
    { chunkSizeBytes: 256 },
  )
  const node = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'symlink', data: new TextEncoder().encode('foo') }).marshal() }))
  const symlink = CID.createV1(dagPb.code, await sha256.digest(node))
  await fixtures.blocks.put(symlink, node)
  const plainJson = CID.createV1(0x0200, await sha256.digest(PLAIN_JSON))
  const plainCbor = CID.createV1(0x51, await sha256.digest(PLAIN_CBOR))
  await fixtures.blocks.put(plainJson, PLAIN_JSON)
  await fixtures.blocks.put(plainCbor, PLAIN_CBOR)
  const uncachedBytes = new TextEncoder().encode('asked for with only-if-cached first')
  const uncached = CID.createV1(0x55, await sha256.digest(uncachedBytes))
  await fixtures.blocks.put(uncached, uncachedBytes)
  const harness = await startGatewayHarness([fixtures.blocks])
  return {
    fixtures,
    harness,
    duplicates,
    symlink,
    plainJson,
    plainCbor,
    uncached,
    async get(path, headers = {}, method = 'GET') {
      const response = await fetch(`${harness.url}${path}`, { headers, method, redirect: 'manual' })
      return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) }
    },
  }
}
