import { NODE_API_PATHS } from '@meson/protocol'
import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { defineRoute } from '../../route-spec.ts'

const usageAnswerSchema = z.object({
  batchId: z.string(),
  accepted: z.number().meta({ description: 'lines accepted (fully or up to the ticket budget)' }),
  acceptedBytes: z.string(),
  rejected: z.array(z.object({ ticketId: z.string(), reason: z.string(), bytes: z.string() })),
})

/**
 * `POST /v1/nodes/usage` (a node, no bearer token: the report is signed with the node's
 * registered key): applies a usage batch once and answers what was accepted.
 */
export const usageReportRoute = defineRoute({
  method: 'POST',
  url: NODE_API_PATHS.usage,
  summary: 'Report usage (a signed usage-report envelope; idempotent by batchId)',
  auth: 'none',
  body: z.unknown(),
  responses: {
    200: { description: 'applied', schema: usageAnswerSchema },
    400: { description: 'INVALID_USAGE_REPORT: not a signed usage report' },
    401: { description: 'NODE_SIGNATURE_INVALID: not signed with the key the node registered' },
    404: { description: 'NODE_UNKNOWN: register first' },
    409: { description: 'USAGE_BATCH_DUPLICATE: this batch id was applied before; nothing changed' },
  },
  handle: async ({ body }, context) => {
    const result = await context.metering.ingestUsage(body)
    switch (result.kind) {
      case 'invalid':
        throw new ApiError('INVALID_USAGE_REPORT', result.reason === 'malformed' ? 'the body is not a signed envelope' : 'the payload is not a valid usage report')
      case 'unknown-node':
        throw new ApiError('NODE_UNKNOWN', 'no node is registered with this id; register first')
      case 'bad-signature':
        throw new ApiError('NODE_SIGNATURE_INVALID', 'the report is not signed with the key this node registered')
      case 'duplicate':
        throw new ApiError('USAGE_BATCH_DUPLICATE', `batch ${result.batchId} was applied before`)
      case 'applied':
        return {
          status: 200,
          body: {
            batchId: result.batchId,
            accepted: result.acceptedLines,
            acceptedBytes: result.acceptedBytes.toString(),
            rejected: result.rejected.map((rejection) => ({ ticketId: rejection.ticketId, reason: rejection.reason, bytes: rejection.bytes.toString() })),
          },
        }
    }
  },
})
