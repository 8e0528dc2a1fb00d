import type { CID } from 'multiformats/cid'
import type { BlockSource } from '../../gateway/block-source.ts'

/**
 * A lying upstream: blocks whose CID is in `tampered` come back with their first byte
 * flipped (same length, so only hashing can tell). `tamperedCopy` gives the bytes it sends.
 */
export class TamperingBlockSource implements BlockSource {
  readonly #inner: BlockSource
  readonly tampered = new Set<string>()

  constructor(inner: BlockSource) {
    this.#inner = inner
  }

  async getBlock(cid: CID): Promise<Uint8Array> {
    const bytes = await this.#inner.getBlock(cid)
    return this.tampered.has(cid.toString()) ? tamperedCopy(bytes) : bytes
  }
}

/** The bytes with the first one flipped. */
export function tamperedCopy(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes)
  copy[0] = (copy[0] ?? 0) ^ 0xff
  return copy
}
