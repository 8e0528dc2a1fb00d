import { randomBytes, randomInt } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import {
  encodeBase64Url,
  openEnvelope,
  ReplayGuard,
  signStorageChallenge,
  STORAGE_MESSAGE_MAX_AGE_MS,
  storageConfirmSchema,
  storageFillRequestSchema,
  storageProofDigest,
  storageReleaseSchema,
} from '@meson/protocol'
import type { NodeId, SignedEnvelope, StorageChallenge, VerifyKey } from '@meson/protocol'
import type { z } from 'zod'
import type { StorageFill } from './storage-fill.ts'
import type { StorageSegment, StorageSegmentStore } from './storage-segment-store.ts'

export interface StorageProofSettings {
  /** Bytes per segment of fill. */
  readonly segmentBytes: number
  /** Most fill one node holds (the top of the storage curve is enough). */
  readonly maxBytesPerNode: bigint
  /** Bytes one challenge reads. */
  readonly challengeBytes: number
  /** An issued segment not confirmed within this stops counting against the node's limit. */
  readonly pendingMs: number
  /** How long a node has to answer a challenge. */
  readonly challengeTtlMs: number
}

interface NodeKeyAndDisk {
  readonly verifyKey: VerifyKey
  readonly offeredDiskBytes: bigint
}

export interface StorageProofDependencies {
  readonly segments: StorageSegmentStore
  readonly fill: StorageFill
  /** The registered node's key and offered disk, or undefined for an unknown node. */
  readonly nodeOf: (nodeId: string) => NodeKeyAndDisk | undefined
  readonly coordinatorKey: KeyObject
  readonly settings: StorageProofSettings
  readonly now: () => number
}

export type StorageRefusalCode = 'INVALID_REQUEST' | 'NODE_UNKNOWN' | 'NODE_SIGNATURE_INVALID' | 'NODE_CLOCK_SKEW' | 'STORAGE_REQUEST_REPLAYED' | 'STORAGE_SEGMENT_NOT_FOUND' | 'STORAGE_DIGEST_MISMATCH'
export interface StorageRefusal {
  readonly ok: false
  readonly code: StorageRefusalCode
  readonly message: string
}

/** A planned challenge: what to send the node, and what a node holding the segment answers. */
export interface PlannedStorageChallenge {
  readonly envelope: SignedEnvelope
  readonly challenge: StorageChallenge
  readonly expectedProof: string
  /** Confirmed live fill of the node when the challenge was planned. */
  readonly heldBytes: number
  readonly heldSegments: number
}

/**
 * Proof of storage, the coordinator's side (ADR 0012 "Verified disk"): serves each
 * segment of fill once, checks a node's digest of what it wrote, takes releases, and
 * plans challenges of random ranges of confirmed segments.
 */
export class StorageProofs {
  readonly #deps: StorageProofDependencies
  readonly #replays = new ReplayGuard({ capacity: 100_000 })

  constructor(dependencies: StorageProofDependencies) {
    this.#deps = dependencies
  }

  get settings(): StorageProofSettings {
    return this.#deps.settings
  }

  /**
   * `POST /v1/nodes/storage/fill`: the next segment and its bytes, or `full` when the
   * node holds its share or the segment would not fit the room it asked for.
   */
  async fill(body: unknown): Promise<{ readonly ok: true; readonly segment: StorageSegment | undefined } | StorageRefusal> {
    const opened = this.#open(storageFillRequestSchema, body)
    if (!opened.ok) return opened
    const { message, node } = opened
    const nowMs = this.#deps.now()
    if (this.#replays.isReplay(message.requestId, message.issuedAt + STORAGE_MESSAGE_MAX_AGE_MS, nowMs)) {
      return refuse('STORAGE_REQUEST_REPLAYED', 'this fill request was already answered; send a new requestId')
    }
    const { segmentBytes, maxBytesPerNode, pendingMs } = this.#deps.settings
    if (message.maxBytes < segmentBytes) return { ok: true, segment: undefined }
    const offered = node.offeredDiskBytes < maxBytesPerNode ? node.offeredDiskBytes : maxBytesPerNode
    const maxSegments = Number(offered / BigInt(segmentBytes))
    const segment = await this.#deps.segments.issueSegment({ nodeId: message.nodeId, sizeBytes: segmentBytes, maxSegments, nowMs, pendingSinceMs: nowMs - pendingMs })
    return { ok: true, segment }
  }

  /** The bytes of an issued segment, in chunks. */
  chunksOf(segment: StorageSegment): Generator<Buffer> {
    return this.#deps.fill.chunks(segment.nodeId, segment.index, segment.sizeBytes)
  }

  /** `POST /v1/nodes/storage/confirm`: the node's digest must be the segment's; a wrong one loses the segment. */
  async confirm(body: unknown): Promise<{ readonly ok: true; readonly segment: number; readonly heldBytes: number } | StorageRefusal> {
    const opened = this.#open(storageConfirmSchema, body)
    if (!opened.ok) return opened
    const { message } = opened
    const segment = await this.#deps.segments.findLiveSegment(message.nodeId, message.segment)
    if (segment === undefined) return refuse('STORAGE_SEGMENT_NOT_FOUND', `segment ${String(message.segment)} was never served to this node, or it was released or lost`)
    if (this.#deps.fill.sha256(segment.nodeId, segment.index, segment.sizeBytes) !== message.sha256) {
      await this.#deps.segments.endSegments(message.nodeId, [segment.index], 'lost', this.#deps.now())
      return refuse('STORAGE_DIGEST_MISMATCH', `segment ${String(segment.index)} on disk is not the segment served; it is dropped (ask for a new one)`)
    }
    await this.#deps.segments.confirmSegment(message.nodeId, segment.index, this.#deps.now())
    const held = await this.#deps.segments.listHeldSegments(message.nodeId)
    return { ok: true, segment: segment.index, heldBytes: sumBytes(held) }
  }

  /** `POST /v1/nodes/storage/release`: the node gave these segments' room back to its cache. */
  async release(body: unknown): Promise<{ readonly ok: true; readonly released: number } | StorageRefusal> {
    const opened = this.#open(storageReleaseSchema, body)
    if (!opened.ok) return opened
    const released = await this.#deps.segments.endSegments(opened.message.nodeId, opened.message.segments, 'released', this.#deps.now())
    return { ok: true, released }
  }

  /** A challenge of a random range of a random confirmed segment; undefined when the node holds none. */
  async planChallenge(nodeId: NodeId): Promise<PlannedStorageChallenge | { readonly heldBytes: 0 }> {
    const held = await this.#deps.segments.listHeldSegments(nodeId)
    const segment = held.length === 0 ? undefined : held[randomInt(held.length)]
    if (segment === undefined) return { heldBytes: 0 }
    const length = Math.min(this.#deps.settings.challengeBytes, segment.sizeBytes)
    const offset = randomInt(segment.sizeBytes - length + 1)
    const challenge: StorageChallenge = { nodeId, segment: segment.index, offset, length, nonce: encodeBase64Url(randomBytes(24)), expiresAt: this.#deps.now() + this.#deps.settings.challengeTtlMs }
    const expectedProof = storageProofDigest(challenge.nonce, this.#deps.fill.range(nodeId, segment.index, offset, length))
    return { envelope: signStorageChallenge(this.#deps.coordinatorKey, challenge), challenge, expectedProof, heldBytes: sumBytes(held), heldSegments: held.length }
  }

  /** A failed challenge: the segment is gone from the node's held fill. */
  async markLost(nodeId: string, segment: number): Promise<void> {
    await this.#deps.segments.endSegments(nodeId, [segment], 'lost', this.#deps.now())
  }

  #open<M extends { readonly nodeId: string; readonly issuedAt: number }>(schema: z.ZodType<M>, body: unknown): { readonly ok: true; readonly message: M; readonly node: NodeKeyAndDisk } | StorageRefusal {
    let node: NodeKeyAndDisk | undefined
    const opened = openEnvelope('storage', schema, (payload: M) => (node = this.#deps.nodeOf(payload.nodeId))?.verifyKey, body)
    if (!opened.ok) {
      if (opened.reason === 'unknown-signer') return refuse('NODE_UNKNOWN', 'this node is not registered; register again')
      if (opened.reason === 'bad-signature') return refuse('NODE_SIGNATURE_INVALID', "the message is not signed by the node's registered key")
      return refuse('INVALID_REQUEST', 'the body must be a storage message envelope signed by the node (purpose storage)')
    }
    if (node === undefined) return refuse('NODE_UNKNOWN', 'this node is not registered; register again')
    if (Math.abs(opened.value.issuedAt - this.#deps.now()) > STORAGE_MESSAGE_MAX_AGE_MS) {
      return refuse('NODE_CLOCK_SKEW', "the message's issuedAt is more than a minute from the coordinator's clock; set the node's clock (NTP)")
    }
    return { ok: true, message: opened.value, node }
  }
}

function sumBytes(segments: readonly StorageSegment[]): number {
  let total = 0
  for (const segment of segments) total += segment.sizeBytes
  return total
}

function refuse(code: StorageRefusalCode, message: string): StorageRefusal {
  return { ok: false, code, message }
}
