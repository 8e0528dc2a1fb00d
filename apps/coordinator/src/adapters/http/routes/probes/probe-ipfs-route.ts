import { Buffer } from 'node:buffer'
import { z } from 'zod'
import { rawBlockCid } from '../../../../probes/probe-ipfs-block.ts'
import { probeOriginBody } from '../../../../probes/probe-origin-body.ts'
import { sha256Hex } from '../../../probes/http-probe-runner.ts'
import { ApiError } from '../../api-error.ts'
import { defineRoute } from '../../route-spec.ts'

/** Largest raw block the IPFS probe upstream serves (nodes accept blocks up to 4 MiB). */
export const PROBE_IPFS_MAX_BYTES = 1024 * 1024

/**
 * `GET /v1/probe-ipfs/:token/:size/ipfs/:cid?format=raw` (public): a one-block trustless
 * gateway per IPFS content probe. Its block is the probe origin's bytes for the token;
 * it answers only for that block's CID (raw codec, SHA2-256), 404 for any other, as a
 * trustless gateway without the block would. Nothing is stored: the token says it all.
 */
export const probeIpfsRoute = defineRoute({
  method: 'GET',
  url: '/v1/probe-ipfs/:token/:size/ipfs/:cid',
  summary: 'The raw block of one IPFS content probe (trustless gateway answer)',
  auth: 'none',
  params: z.strictObject({
    token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'expected a probe token' }),
    size: z.preprocess((value) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value), z.int().min(0).max(PROBE_IPFS_MAX_BYTES)),
    cid: z.string().regex(/^[a-z2-7]{8,128}$/, { error: 'expected a base32 CIDv1' }),
  }),
  query: z.object({ format: z.literal('raw').optional() }),
  responses: {
    200: { description: 'the raw block', contentType: 'application/vnd.ipld.raw' },
    400: { description: 'INVALID_REQUEST: not a probe token, too large, or not a raw block request' },
    404: { description: 'NOT_FOUND: not this probe\'s block' },
  },
  handle: ({ params }) => {
    const block = probeOriginBody(params.token, params.size)
    if (rawBlockCid(sha256Hex(block)) !== params.cid) throw new ApiError('NOT_FOUND', 'this probe upstream holds one block, not that one')
    return Promise.resolve({ status: 200, body: Buffer.from(block), contentType: 'application/vnd.ipld.raw' })
  },
})
