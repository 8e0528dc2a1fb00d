import { Buffer } from 'node:buffer'
import { z } from 'zod'
import { probeOriginBody } from '../../../../probes/probe-origin-body.ts'
import { defineRoute } from '../../route-spec.ts'

/** Largest probe object served: speed probes are a few MiB. */
export const PROBE_ORIGIN_MAX_BYTES = 32 * 1024 * 1024

/**
 * `GET /v1/probe-origin/:token/:size` (public): the coordinator's own origin for probes.
 * The bytes follow from the token, which the hunters pick at random per probe, so a
 * node has to fetch each probe object fresh; it cannot have cached or faked it.
 */
export const probeOriginRoute = defineRoute({
  method: 'GET',
  url: '/v1/probe-origin/:token/:size',
  summary: 'Probe objects the hunters fetch through nodes (bytes derived from the token)',
  auth: 'none',
  params: z.strictObject({
    token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'expected a probe token' }),
    size: z.preprocess((value) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value), z.int().min(0).max(PROBE_ORIGIN_MAX_BYTES)),
  }),
  responses: {
    200: { description: 'the probe object', contentType: 'application/octet-stream' },
    400: { description: 'INVALID_REQUEST: not a probe token, or too large' },
  },
  handle: ({ params }) =>
    Promise.resolve({ status: 200, body: Buffer.from(probeOriginBody(params.token, params.size)), contentType: 'application/octet-stream' }),
})
