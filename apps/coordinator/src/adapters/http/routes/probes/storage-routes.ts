import { Readable } from 'node:stream'
import { NODE_API_PATHS, STORAGE_SEGMENT_HEADER } from '@meson/protocol'
import { z } from 'zod'
import type { StorageRefusal } from '../../../../probes/storage-proofs.ts'
import { ApiError } from '../../api-error.ts'
import { defineRoute } from '../../route-spec.ts'

const refusals = {
  400: { description: 'INVALID_REQUEST (not a storage envelope), NODE_CLOCK_SKEW' },
  401: { description: 'NODE_SIGNATURE_INVALID' },
  404: { description: 'NODE_UNKNOWN: register again' },
} as const

function toApiError(refusal: StorageRefusal): ApiError {
  return new ApiError(refusal.code, refusal.message)
}

/**
 * `POST /v1/nodes/storage/fill` (signed by the node): one more segment of fill, served
 * once, as raw bytes with its index in `meson-storage-segment`; 204 when the node holds
 * its share, the segment would not fit the room it asked for, or storage proofs are off.
 */
export const storageFillRoute = defineRoute({
  method: 'POST',
  url: NODE_API_PATHS.storageFill,
  summary: 'Proof of storage: the next segment of fill for the signing node',
  auth: 'none',
  body: z.unknown(),
  responses: {
    200: { description: 'the segment bytes; header meson-storage-segment: its index', contentType: 'application/octet-stream' },
    204: { description: 'no segment now (full, too large for the room offered, or storage proofs off)' },
    ...refusals,
    409: { description: 'STORAGE_REQUEST_REPLAYED' },
  },
  handle: async ({ body }, context) => {
    const storage = context.storage
    if (storage === undefined) return { status: 204 }
    const result = await storage.fill(body)
    if (!result.ok) throw toApiError(result)
    if (result.segment === undefined) return { status: 204 }
    return {
      status: 200,
      contentType: 'application/octet-stream',
      headers: { [STORAGE_SEGMENT_HEADER]: String(result.segment.index), 'content-length': String(result.segment.sizeBytes), 'cache-control': 'no-store' },
      body: Readable.from(storage.chunksOf(result.segment)),
    }
  },
})

/** `POST /v1/nodes/storage/confirm` (signed): the node holds a segment whole; checked against the served bytes. */
export const storageConfirmRoute = defineRoute({
  method: 'POST',
  url: NODE_API_PATHS.storageConfirm,
  summary: "Proof of storage: the node's digest of a segment it wrote",
  auth: 'none',
  body: z.unknown(),
  responses: {
    200: { description: '{ segment, heldBytes }' },
    ...refusals,
    404: { description: 'NODE_UNKNOWN, or STORAGE_SEGMENT_NOT_FOUND: never served, released or lost' },
    422: { description: 'STORAGE_DIGEST_MISMATCH: the segment is dropped' },
  },
  handle: async ({ body }, context) => {
    const storage = context.storage
    if (storage === undefined) throw new ApiError('STORAGE_SEGMENT_NOT_FOUND', 'storage proofs are off on this coordinator')
    const result = await storage.confirm(body)
    if (!result.ok) throw toApiError(result)
    return { status: 200, body: { segment: result.segment, heldBytes: result.heldBytes } }
  },
})

/** `POST /v1/nodes/storage/release` (signed): segments the node no longer holds. */
export const storageReleaseRoute = defineRoute({
  method: 'POST',
  url: NODE_API_PATHS.storageRelease,
  summary: 'Proof of storage: segments the node gave back to its cache',
  auth: 'none',
  body: z.unknown(),
  responses: { 200: { description: '{ released }' }, ...refusals },
  handle: async ({ body }, context) => {
    const storage = context.storage
    if (storage === undefined) return { status: 200, body: { released: 0 } }
    const result = await storage.release(body)
    if (!result.ok) throw toApiError(result)
    return { status: 200, body: { released: result.released } }
  },
})
