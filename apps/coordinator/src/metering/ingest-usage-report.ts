import { openEnvelope, publicKeyFromString, signedEnvelopeSchema, usageReportSchema } from '@meson/protocol'
import type { AccountId, TicketKeyLookup, VerifyKey } from '@meson/protocol'
import type { MeteringStore } from './metering-store.ts'
import type { UsageCharge } from './build-usage-charges.ts'
import { planUsageBatch } from './plan-usage-batch.ts'
import { screenUsageLines } from './screen-usage-lines.ts'
import type { UsagePlan } from './plan-usage-batch.ts'
import type { UsageRejection } from './usage-rejection.ts'
import type { ImplausibleUsage, UsagePlausibilitySettings } from './bound-usage-by-object-size.ts'
import type { IssuedTicket } from './issued-ticket.ts'

/** A registered node as metering needs it. */
export interface MeteredNode {
  readonly publicKey: string
  readonly operatorId: AccountId
}

export interface IngestUsageDependencies {
  readonly meteringStore: MeteringStore
  /** The coordinators' ticket key of a key id (ADR 0016): usage is re-checked from the ticket. */
  readonly coordinatorKeyFor: TicketKeyLookup
  /** The registered node (its key from registration), or undefined if unknown. */
  readonly findNode: (nodeId: string) => Promise<MeteredNode | undefined>
  readonly now: () => number
  /** How long after a ticket's expiry its usage is still accepted. */
  readonly usageGraceMs: number
  readonly operatorSharePercent: number
  /** The country code of a ticket's client (usage by country, #14); absent: 'unknown'. */
  readonly countryOf?: (client: string) => string
  /** How usage is bounded by object sizes (ADR 0012); absent: only by ticket budgets. */
  readonly plausibility?: UsagePlausibilitySettings
  /**
   * Called with a batch's billable tickets before it is applied: learns the sizes of
   * their objects that are not known yet (the origin's), so this batch is bounded too.
   */
  readonly learnObjectSizes?: (tickets: readonly IssuedTicket[]) => Promise<void>
  /** Called after a batch committed (balances, counters, metrics). */
  readonly onApplied?: (nodeId: string, plan: UsagePlan) => void | Promise<void>
}

export type IngestUsageResult =
  | {
      readonly kind: 'applied'
      readonly batchId: string
      readonly acceptedLines: number
      readonly acceptedBytes: bigint
      readonly rejected: readonly UsageRejection[]
      readonly charges: readonly UsageCharge[]
      /** The node that signed the report. */
      readonly nodeId: string
      /** When the batch was received. */
      readonly receivedAt: number
      /** When its ledger entries were posted: the epoch its earnings (and a flag's hold) belong to. */
      readonly postedAt: number
      /** Why the node's usage is implausible (its earnings are held for the epoch); else undefined. */
      readonly implausible: ImplausibleUsage | undefined
    }
  | { readonly kind: 'duplicate'; readonly batchId: string }
  /** Not an envelope, or its payload is not a usage report. */
  | { readonly kind: 'invalid'; readonly reason: 'malformed' | 'invalid-payload' }
  /** No node registered with that id: the node should register (again). */
  | { readonly kind: 'unknown-node' }
  /** The signature is not the registered key's. */
  | { readonly kind: 'bad-signature' }

/**
 * `POST /v1/nodes/usage` as a use case: verifies the signed report with the key the
 * node registered, re-checks each line's ticket statelessly (its coordinator tag), then
 * applies it once (idempotent by batch id) in one transaction with its charges. Any
 * replica can do this: nothing of the redirect is remembered anywhere.
 */
export async function ingestUsageReport(body: unknown, dependencies: IngestUsageDependencies): Promise<IngestUsageResult> {
  // The key depends on the claimed nodeId, which needs an async lookup: read the claim
  // first (schema only), then verify the signature with that node's registered key.
  const envelope = signedEnvelopeSchema.safeParse(body)
  if (!envelope.success) return { kind: 'invalid', reason: 'malformed' }
  const claimed = usageReportSchema.safeParse(envelope.data.payload)
  if (!claimed.success) return { kind: 'invalid', reason: 'invalid-payload' }
  const node = await dependencies.findNode(claimed.data.nodeId)
  if (node === undefined) return { kind: 'unknown-node' }
  const key = publicKeyFromString(node.publicKey)
  if (!key.ok) return { kind: 'unknown-node' }
  const verifyKey: VerifyKey = key.value
  const opened = openEnvelope('usage-report', usageReportSchema, verifyKey, body)
  if (!opened.ok) return opened.reason === 'bad-signature' ? { kind: 'bad-signature' } : { kind: 'invalid', reason: 'malformed' }
  const report = opened.value

  const receivedAt = dependencies.now()
  const screened = screenUsageLines({ nodeId: report.nodeId, receivedAt, graceMs: dependencies.usageGraceMs, lines: report.lines, coordinatorKeyFor: dependencies.coordinatorKeyFor })
  await dependencies.learnObjectSizes?.(screened.billableTickets)
  const result = await dependencies.meteringStore.applyUsageBatch({
    batchId: report.batchId,
    nodeId: report.nodeId,
    receivedAt,
    lines: screened.lines,
    billableTickets: screened.billableTickets,
    plan: (context) =>
      planUsageBatch({
        batchId: report.batchId,
        nodeId: report.nodeId,
        operatorId: node.operatorId,
        operatorSharePercent: dependencies.operatorSharePercent,
        receivedAt,
        graceMs: dependencies.usageGraceMs,
        lines: screened.lines,
        screenedOut: screened.rejected,
        context,
        ...(dependencies.countryOf === undefined ? {} : { countryOf: dependencies.countryOf }),
        ...(dependencies.plausibility === undefined ? {} : { plausibility: dependencies.plausibility }),
      }),
  })
  if (result.status === 'duplicate') return { kind: 'duplicate', batchId: report.batchId }
  const { plan } = result
  await dependencies.onApplied?.(report.nodeId, plan)
  return { kind: 'applied', batchId: report.batchId, acceptedLines: plan.acceptedLines, acceptedBytes: plan.acceptedBytes, rejected: plan.rejections, charges: plan.charges, nodeId: report.nodeId, receivedAt, postedAt: result.postedAt, implausible: plan.implausible }
}
