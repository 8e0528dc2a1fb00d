import { z } from 'zod'
import { nodeIdSchema } from './node-id.ts'
import { MAX_TICKET_TOKEN_LENGTH } from './ticket.ts'
import { positiveUint64StringSchema, randomIdSchema, timestampMsSchema, zoneRefSchema } from './wire-scalars.ts'

/**
 * Most lines one report may carry; a node with more sends several batches. Each line
 * carries its ticket (~350 bytes), so a full report stays under ~4 MB.
 */
export const MAX_USAGE_LINES = 10_000

/** A batch id: `ub_` + 20 base32 characters, or a UUID. */
export const usageBatchIdSchema = z.union([z.string().regex(/^ub_[a-z2-7]{20}$/), z.uuid()])

/** Bytes served under one ticket. */
export const usageLineSchema = z.strictObject({
  /** The nonce of the ticket the bytes were served under. */
  ticketId: randomIdSchema,
  zone: zoneRefSchema,
  bytes: positiveUint64StringSchema,
  /**
   * The ticket token itself (ADR 0016): its fields and its `coord` tag let any
   * coordinator replica re-check the line with no record of the redirect.
   */
  ticket: z.string().min(1).max(MAX_TICKET_TOKEN_LENGTH),
  /**
   * Responses served under the ticket in this batch (issue #14). Optional: nodes older
   * than this field send none, and their lines count no requests.
   */
  requests: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
})

/**
 * A node's usage report, signed by the node (purpose 'usage-report'). Idempotent by
 * `batchId`: the coordinator applies a batch once however often it arrives. A ticket
 * appears at most once per batch (the node sums its bytes first).
 */
export const usageReportSchema = z.strictObject({
  batchId: usageBatchIdSchema,
  nodeId: nodeIdSchema,
  createdAt: timestampMsSchema,
  lines: z
    .array(usageLineSchema)
    .min(1)
    .max(MAX_USAGE_LINES)
    .refine((lines) => new Set(lines.map((line) => line.ticketId)).size === lines.length, 'a ticket appears twice in one batch'),
})

export type UsageLine = z.output<typeof usageLineSchema>
/** A usage report as code sees it (bigints parsed). */
export type UsageReport = z.output<typeof usageReportSchema>
/** A usage report as it travels (bigints as decimal strings). */
export type UsageReportWire = z.input<typeof usageReportSchema>
