import { createHash } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import type { VerifyKey } from './keys.ts'
import { nodeIdSchema } from './node-id.ts'
import { openEnvelope, signEnvelope } from './signed-envelope.ts'
import type { EnvelopeRejection, SignedEnvelope } from './signed-envelope.ts'
import { counterSchema, randomIdSchema, timestampMsSchema } from './wire-scalars.ts'

/**
 * Proof of storage (ADR 0012, "Verified disk"): the coordinator hands a node segments of
 * fill — bytes only the coordinator can compute (a keystream under a key the node never
 * sees) — served once each; later it asks, at random, for a digest of a random range of
 * a segment mixed with a fresh nonce. A node that dropped the bytes cannot answer: it
 * cannot regenerate them, and the coordinator never serves a segment twice.
 *
 * Node → coordinator messages are envelopes signed by the node (purpose 'storage');
 * the challenge is an envelope signed by the coordinator (purpose 'storage-challenge').
 */

/** The node's route that answers a storage challenge (POST, JSON envelope). */
export const STORAGE_PROOF_PATH = '/_meson/storage-proof'

/** Response header naming the segment index in a fill answer. */
export const STORAGE_SEGMENT_HEADER = 'meson-storage-segment'

/** Largest range one challenge reads. */
export const MAX_STORAGE_CHALLENGE_BYTES = 1024 * 1024

/** How far a storage message's `issuedAt` may be from the receiver's clock. */
export const STORAGE_MESSAGE_MAX_AGE_MS = 60_000

const segmentIndexSchema = counterSchema
const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256')
/** 16 to 64 bytes of nonce as base64url. */
const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{22,86}$/, 'expected a base64url nonce')

/** Ask for one more segment of fill, at most `maxBytes` long (the disk the node has free for it). */
export const storageFillRequestSchema = z.strictObject({
  action: z.literal('fill'),
  nodeId: nodeIdSchema,
  requestId: randomIdSchema,
  issuedAt: timestampMsSchema,
  maxBytes: counterSchema,
})

/** The node holds segment `segment` on disk; `sha256` is the whole segment's digest. */
export const storageConfirmSchema = z.strictObject({
  action: z.literal('confirm'),
  nodeId: nodeIdSchema,
  issuedAt: timestampMsSchema,
  segment: segmentIndexSchema,
  sha256: sha256HexSchema,
})

/** The node no longer holds these segments (its cache needed the room): stop counting them. */
export const storageReleaseSchema = z.strictObject({
  action: z.literal('release'),
  nodeId: nodeIdSchema,
  issuedAt: timestampMsSchema,
  segments: z.array(segmentIndexSchema).min(1).max(10_000),
})

export type StorageFillRequest = z.output<typeof storageFillRequestSchema>
export type StorageConfirm = z.output<typeof storageConfirmSchema>
export type StorageRelease = z.output<typeof storageReleaseSchema>

/** A challenge from the coordinator: digest `length` bytes of `segment` from `offset`, with `nonce`. */
export const storageChallengeSchema = z
  .strictObject({
    nodeId: nodeIdSchema,
    segment: segmentIndexSchema,
    offset: counterSchema,
    length: z.int().min(1).max(MAX_STORAGE_CHALLENGE_BYTES),
    nonce: nonceSchema,
    expiresAt: timestampMsSchema,
  })

export type StorageChallenge = z.output<typeof storageChallengeSchema>

/** The node's answer: `proof` = {@link storageProofDigest} of the range. */
export const storageAnswerSchema = z.strictObject({ segment: segmentIndexSchema, proof: sha256HexSchema })
export type StorageAnswer = z.output<typeof storageAnswerSchema>

/** SHA-256 (lowercase hex) over "meson/v1/storage-proof\n" ‖ nonce text ‖ "\n" ‖ the range's bytes. */
export function storageProofDigest(nonce: string, bytes: Uint8Array): string {
  return createHash('sha256').update(`meson/v1/storage-proof\n${nonce}\n`, 'utf8').update(bytes).digest('hex')
}

export function signStorageMessage(privateKey: KeyObject, message: StorageFillRequest | StorageConfirm | StorageRelease): SignedEnvelope {
  return signEnvelope('storage', privateKey, message)
}

export function signStorageChallenge(coordinatorPrivateKey: KeyObject, challenge: StorageChallenge): SignedEnvelope {
  return signEnvelope('storage-challenge', coordinatorPrivateKey, challenge)
}

export type StorageChallengeRejection = EnvelopeRejection | 'expired' | 'wrong-node'
export type VerifyStorageChallengeResult = { readonly ok: true; readonly challenge: StorageChallenge } | { readonly ok: false; readonly reason: StorageChallengeRejection }

/**
 * Opens a challenge received by node `nodeId` and checks it is the coordinator's, for
 * this node and not expired. Replays are the receiver's to refuse (the node keeps the
 * nonces of live challenges it answered). Never throws.
 */
export function verifyStorageChallenge(coordinatorPublicKey: VerifyKey, raw: unknown, context: { readonly now: number; readonly nodeId: string }): VerifyStorageChallengeResult {
  const opened = openEnvelope('storage-challenge', storageChallengeSchema, coordinatorPublicKey, raw)
  if (!opened.ok) return opened
  if (opened.value.nodeId !== context.nodeId) return { ok: false, reason: 'wrong-node' }
  if (context.now >= opened.value.expiresAt) return { ok: false, reason: 'expired' }
  return { ok: true, challenge: opened.value }
}
