import type { AccountId, UsageLine } from '@meson/protocol'
import type { UsageBatchContext, UsageBatchPlan } from './metering-store.ts'
import { buildUsageCharges } from './build-usage-charges.ts'
import type { UsageCharge } from './build-usage-charges.ts'
import type { UsageRejection } from './usage-rejection.ts'
import { judgeUsageLines } from './judge-usage-lines.ts'

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
}

/** A batch's plan with the charges it posts, for the caller's answer and caches. */
export interface UsagePlan extends UsageBatchPlan {
  readonly charges: readonly UsageCharge[]
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
  const { charges, hourly } = buildUsageCharges({
    batchId: parameters.batchId,
    nodeId: parameters.nodeId,
    operatorId: parameters.operatorId,
    operatorSharePercent: parameters.operatorSharePercent,
    receivedAt: parameters.receivedAt,
    accepted: verdict.accepted,
    zones: context.zones,
    ...(parameters.countryOf === undefined ? {} : { countryOf: parameters.countryOf }),
  })
  let acceptedBytes = 0n
  for (const usage of verdict.accepted) acceptedBytes += usage.bytes
  return {
    ticketUpdates: verdict.accepted.map((usage) => ({ nonce: usage.ticketId, acceptedBytes: usage.totalAcceptedBytes })),
    transactions: charges.flatMap((charge) => (charge.transaction === undefined ? [] : [charge.transaction])),
    hourly,
    rejections: [...(parameters.screenedOut ?? []), ...verdict.rejected],
    acceptedLines: verdict.accepted.length,
    acceptedBytes,
    charges,
  }
}
