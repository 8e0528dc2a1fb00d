import { createHash, randomBytes } from 'node:crypto'
import { openEnvelope, STORAGE_SEGMENT_HEADER, storageConfirmSchema, storageFillRequestSchema, storageReleaseSchema } from '@meson/protocol'
import type { StorageFillRequest } from '@meson/protocol'
import { COORDINATOR_ENDPOINTS } from '../link/coordinator-endpoints.ts'

/** A reply of the fake coordinator: JSON, raw bytes, or a dropped connection. */
export type FakeReply =
  | { readonly status: number; readonly body?: unknown }
  | { readonly status: number; readonly bytes: Uint8Array; readonly headers: Readonly<Record<string, string>>; readonly chunked?: boolean; readonly stall?: boolean }
  | 'hang-up'

/**
 * The storage-proof endpoints of the fake coordinator (ADR 0012, "Verified disk"). Off
 * by default (fill answers 204). Segment `i` is `size` bytes of a keystream under a
 * seed the node never sees (`bytesOf`), served once; a confirm is checked against it.
 */
export class FakeStorageEndpoints {
  /** While false, every fill is answered 204 (storage proofs off). */
  enabled = false
  segmentBytes = 64 * 1024
  /** Confirmed bytes at which the fake answers 204 (undefined: no limit). */
  capacityBytes: number | undefined
  /** Test lever: the next fills send this many bytes more than they announce, without content-length. */
  overrunBytes = 0
  /** Test lever: the next fills send their first half and then nothing more (the connection stays open). */
  stall = false
  readonly fills: StorageFillRequest[] = []
  readonly served = new Map<number, number>()
  readonly confirmed = new Map<number, string>()
  readonly refusedConfirms: number[] = []
  readonly releases: number[][] = []
  readonly #seed = randomBytes(32)
  #next = 0

  /** The bytes of segment `segment` (its first `size` bytes). */
  bytesOf(segment: number, size: number): Uint8Array {
    const out = new Uint8Array(size)
    for (let block = 0; block * 32 < size; block += 1) {
      const digest = createHash('sha256').update(this.#seed).update(`${segment}:${block}`).digest()
      out.set(digest.subarray(0, Math.min(32, size - block * 32)), block * 32)
    }
    return out
  }

  /** Bytes confirmed and not released. */
  get heldBytes(): number {
    let total = 0
    for (const segment of this.confirmed.keys()) total += this.served.get(segment) ?? 0
    return total
  }

  /** Answers `path` if it is a storage endpoint; undefined otherwise. */
  handle(path: string, body: unknown, nodeKey: (nodeId: string) => Uint8Array | undefined): FakeReply | undefined {
    const keyOf = (payload: { nodeId: string }): Uint8Array | undefined => nodeKey(payload.nodeId)
    switch (path) {
      case COORDINATOR_ENDPOINTS.storageFill: {
        const opened = openEnvelope('storage', storageFillRequestSchema, keyOf, body)
        if (!opened.ok) return refusal(opened.reason)
        this.fills.push(opened.value)
        const size = Math.min(this.segmentBytes, opened.value.maxBytes)
        if (!this.enabled || size === 0 || (this.capacityBytes !== undefined && this.heldBytes + size > this.capacityBytes)) return { status: 204, body: undefined }
        const segment = this.#next
        this.#next += 1
        this.served.set(segment, size)
        const bytes = this.overrunBytes > 0 ? this.bytesOf(segment, size + this.overrunBytes) : this.bytesOf(segment, size)
        return { status: 200, bytes, headers: { [STORAGE_SEGMENT_HEADER]: String(segment) }, chunked: this.overrunBytes > 0, stall: this.stall }
      }
      case COORDINATOR_ENDPOINTS.storageConfirm: {
        const opened = openEnvelope('storage', storageConfirmSchema, keyOf, body)
        if (!opened.ok) return refusal(opened.reason)
        const size = this.served.get(opened.value.segment)
        if (size === undefined) return storageError(404, 'STORAGE_SEGMENT_NOT_FOUND', 'never served, released or lost')
        if (createHash('sha256').update(this.bytesOf(opened.value.segment, size)).digest('hex') !== opened.value.sha256) {
          this.refusedConfirms.push(opened.value.segment)
          return storageError(422, 'STORAGE_DIGEST_MISMATCH', 'not the segment served')
        }
        this.confirmed.set(opened.value.segment, opened.value.sha256)
        return { status: 200, body: { segment: opened.value.segment, heldBytes: this.heldBytes } }
      }
      case COORDINATOR_ENDPOINTS.storageRelease: {
        const opened = openEnvelope('storage', storageReleaseSchema, keyOf, body)
        if (!opened.ok) return refusal(opened.reason)
        this.releases.push(opened.value.segments)
        for (const segment of opened.value.segments) this.confirmed.delete(segment)
        return { status: 200, body: { released: opened.value.segments.length } }
      }
      default:
        return undefined
    }
  }
}

/** The coordinator's codes (apps/coordinator, storage-proofs.ts): NODE_UNKNOWN 404, NODE_SIGNATURE_INVALID 401, INVALID_REQUEST 400. */
function refusal(reason: string): FakeReply {
  if (reason === 'unknown-signer') return storageError(404, 'NODE_UNKNOWN', 'register again')
  if (reason === 'bad-signature') return storageError(401, 'NODE_SIGNATURE_INVALID', 'not signed by the registered key')
  return storageError(400, 'INVALID_REQUEST', reason)
}

function storageError(status: number, code: string, message: string): FakeReply {
  return { status, body: { error: { code, message } } }
}
