import type { CID } from 'multiformats/cid'
import type { BlockSource } from './block-source.ts'
import { GatewayError } from './gateway-error.ts'

/**
 * Blocks held in memory by CID: the block source of a local trustless gateway (the
 * demo's and the tests' upstream) and the write target of the UnixFS importer
 * (interface-blockstore's `put`). It trusts what it is given; the node never serves
 * from it without verification.
 */
export class MemoryBlockSource implements BlockSource {
  readonly #blocks = new Map<string, Uint8Array>()

  /** Blocks held. */
  get size(): number {
    return this.#blocks.size
  }

  /** Stores a block (bytes as one array or as chunks, as the importer may give them). */
  async put(cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<CID> {
    if (bytes instanceof Uint8Array) {
      this.#blocks.set(cid.toString(), bytes)
      return cid
    }
    const chunks: Uint8Array[] = []
    for await (const chunk of bytes) chunks.push(chunk)
    const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
    let offset = 0
    for (const chunk of chunks) {
      whole.set(chunk, offset)
      offset += chunk.length
    }
    this.#blocks.set(cid.toString(), whole)
    return cid
  }

  has(cid: CID): boolean {
    return this.#blocks.has(cid.toString())
  }

  getBlock(cid: CID): Promise<Uint8Array> {
    const bytes = this.#blocks.get(cid.toString()) ?? this.#blocks.get(cid.toV1().toString())
    if (bytes === undefined) return Promise.reject(new GatewayError('BLOCK_NOT_FOUND', `${cid.toString()} is not held here.`))
    return Promise.resolve(bytes)
  }
}
