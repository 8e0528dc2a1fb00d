import type { AccountId, UsageLine } from '@meson/protocol'
import type { UsageBatchContext, UsageBatchPlan } from './metering-store.ts'
import { buildUsageCharges } from './build-usage-charges.ts'
import type { UsageCharge } from './build-usage-charges.ts'
import type { UsageRejection } from './usage-rejection.ts'
import { judgeUsageLines } from './judge-usage-lines.ts'
import { boundUsageByObjectSize } from './bound-usage-by-object-size.ts'
import type { ImplausibleUsage, UsagePlausibilitySettings } from './bound-usage-by-object-size.ts'

export interface PlanUsageBatchParameters {
  readonly batchId: string
  readonly nodeId: string
  readonly operatorId: AccountId
  readonly operatorSharePercent: number
  readonly receivedAt: number
  readonly graceMs: number
  readonly lines: readonly UsageLine[]
  /** Lines already refused by the stateless screen (counted with the others). */
  readonly screenedOut?: readonly UsageRejection[]
  readonly context: UsageBatchContext
  /** The country code of a ticket's client, for the by-country aggregates. */
  readonly countryOf?: (client: string) => string
  /** How usage is bounded by object sizes; absent: not bounded (only ticket budgets). */
  readonly plausibility?: UsagePlausibilitySettings
}

/** A batch's plan with the charges it posts, for the caller's answer and caches. */
export interface UsagePlan extends UsageBatchPlan {
  readonly charges: readonly UsageCharge[]
  /** Why the node's usage is implausible (inflated bytes, minted tickets), to hold its earnings; else undefined. */
  readonly implausible: ImplausibleUsage | undefined
}

/**
 * A node that reports usage on a ticket without a valid coordinator tag minted it: an
 * honest node only reports tickets that passed its own check, which a client cannot
 * forge (ADR 0016), so one such line is enough to flag it.
 */
function mintedTicketsOf(rejections: readonly UsageRejection[]): ImplausibleUsage | undefined {
  const minted = rejections.filter((rejection) => rejection.reason === 'forged-ticket')
  if (minted.length === 0) return undefined
  return {
    reason: `reported ${minted.length} usage line(s) on tickets no coordinator issued (forged-ticket: minted by the node)`,
    measurements: { forgedTicketLines: minted.length, forgedTicketBytes: minted.reduce((sum, rejection) => sum + rejection.bytes, 0n).toString() },
  }
}

/** Judges a batch's lines against the loaded tickets and prices what was accepted. Pure. */
export function planUsageBatch(parameters: PlanUsageBatchParameters): UsagePlan {
  const { context } = parameters
  const verdict = judgeUsageLines({
    nodeId: parameters.nodeId,
    receivedAt: parameters.receivedAt,
    graceMs: parameters.graceMs,
    lines: parameters.lines,
    tickets: context.tickets,
    isZoneKnown: (zone, zoneId) => {
      const current = context.zones.get(zone)
      return current !== undefined && (zoneId === undefined || current.zoneId === zoneId)
    },
  })
  const bounded =
    parameters.plausibility === undefined
      ? { accepted: verdict.accepted, rejected: [], objectUsage: [], implausible: undefined }
      : boundUsageByObjectSize({ nodeId: parameters.nodeId, accepted: verdict.accepted, tickets: context.tickets, objects: context.objects, settings: parameters.plausibility })
  const { charges, hourly } = buildUsageCharges({
    batchId: parameters.batchId,
    nodeId: parameters.nodeId,
    operatorId: parameters.operatorId,
    operatorSharePercent: parameters.operatorSharePercent,
    receivedAt: parameters.receivedAt,
    accepted: bounded.accepted,
    zones: context.zones,
    ...(parameters.countryOf === undefined ? {} : { countryOf: parameters.countryOf }),
  })
  let acceptedBytes = 0n
  for (const usage of bounded.accepted) acceptedBytes += usage.bytes
  const rejections = [...(parameters.screenedOut ?? []), ...verdict.rejected, ...bounded.rejected]
  return {
    ticketUpdates: bounded.accepted.map((usage) => ({ nonce: usage.ticketId, acceptedBytes: usage.totalAcceptedBytes })),
    transactions: charges.flatMap((charge) => (charge.transaction === undefined ? [] : [charge.transaction])),
    hourly,
    rejections,
    acceptedLines: bounded.accepted.length,
    acceptedBytes,
    charges,
    objectUsage: bounded.objectUsage,
    implausible: bounded.implausible ?? mintedTicketsOf(rejections),
  }
}
