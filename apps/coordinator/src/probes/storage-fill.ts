import { createCipheriv, createHash, createHmac, hkdfSync } from 'node:crypto'
import { rememberBounded } from '@meson/protocol'

/** AES block size: the keystream is addressed in blocks of 16 bytes. */
const BLOCK = 16
/** Bytes generated per step when streaming a whole segment. */
const CHUNK = 1024 * 1024
/** Per-node keys kept derived (a node's key is one HMAC; this only saves the repeat). */
const KEY_CACHE = 4096

/**
 * The fill of proof-of-storage segments: an AES-256-CTR keystream under a per-node key
 * derived from a secret only the coordinator holds, addressed by (segment, offset). Any
 * replica with the secret computes any range of any segment in time proportional to the
 * range, so nothing about the bytes is stored; a node that has not kept them cannot
 * produce them (AES-CTR's keystream is a PRF of the key, ADR 0012 "Verified disk").
 *
 * The counter block is the segment index (high 8 bytes) and the block number within
 * the segment (low 8 bytes), so two segments never share keystream.
 */
export class StorageFill {
  readonly #master: Buffer
  readonly #keys = new Map<string, Buffer>()

  /** `secret`: at least 32 bytes that every replica shares and nodes never see. */
  constructor(secret: Uint8Array) {
    if (secret.byteLength < 32) throw new RangeError('the storage fill secret must be at least 32 bytes')
    this.#master = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'meson/v1/storage-fill', 32))
  }

  /** `length` bytes of segment `segment` of node `nodeId` from byte `offset`. */
  range(nodeId: string, segment: number, offset: number, length: number): Buffer {
    if (!Number.isSafeInteger(segment) || segment < 0 || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new RangeError('segment, offset and length must be non-negative integers')
    }
    const skip = offset % BLOCK
    const cipher = createCipheriv('aes-256-ctr', this.#keyFor(nodeId), counterBlock(segment, (offset - skip) / BLOCK))
    const stream = cipher.update(Buffer.alloc(skip + length))
    return stream.subarray(skip)
  }

  /** The whole segment, in chunks of at most 1 MiB (for serving it without one big buffer). */
  *chunks(nodeId: string, segment: number, sizeBytes: number): Generator<Buffer> {
    const cipher = createCipheriv('aes-256-ctr', this.#keyFor(nodeId), counterBlock(segment, 0))
    const zeros = Buffer.alloc(Math.min(CHUNK, sizeBytes))
    for (let done = 0; done < sizeBytes; done += CHUNK) yield cipher.update(zeros.subarray(0, Math.min(CHUNK, sizeBytes - done)))
  }

  /** SHA-256 (lowercase hex) of the whole segment, as the node confirms it. */
  sha256(nodeId: string, segment: number, sizeBytes: number): string {
    const hash = createHash('sha256')
    for (const chunk of this.chunks(nodeId, segment, sizeBytes)) hash.update(chunk)
    return hash.digest('hex')
  }

  #keyFor(nodeId: string): Buffer {
    const found = this.#keys.get(nodeId)
    if (found !== undefined) return found
    const key = createHmac('sha256', this.#master).update(nodeId, 'utf8').digest()
    rememberBounded(this.#keys, nodeId, key, KEY_CACHE)
    return key
  }
}

function counterBlock(segment: number, block: number): Buffer {
  const iv = Buffer.alloc(BLOCK)
  iv.writeBigUInt64BE(BigInt(segment), 0)
  iv.writeBigUInt64BE(BigInt(block), 8)
  return iv
}
