import type { Address } from 'viem'
import type { CumulativeEntry } from './cumulative-merkle-tree.ts'
import type { OperatorEarnings } from './operator-earnings.ts'
import type { PayoutAllocation } from './payout-allocation.ts'

export interface PlanSettlementParameters {
  readonly earnings: readonly OperatorEarnings[]
  /** Allocations of the last settlement posted (empty before the first). */
  readonly previous: readonly PayoutAllocation[]
}

export type SettlementPlan =
  /** Nothing new to pay: posting a root would change nothing. */
  | { readonly status: 'unchanged' }
  | {
      readonly status: 'planned'
      /** The cumulative allocations after this settlement (previous ones plus what is new). */
      readonly allocations: readonly PayoutAllocation[]
      /** One leaf per payout address: the sum of its allocations. Sorted by address. */
      readonly entries: readonly CumulativeEntry[]
      /** What this settlement adds over the previous one. */
      readonly addedAmount: bigint
    }

/**
 * The next settlement: each operator's earnings not yet allocated go to their current
 * payout address; an address's cumulative amount never decreases (earnings reversed
 * after they were settled stay settled, they are not clawed back). Operators without a
 * payout address are carried until they bind one.
 */
export function planSettlement(parameters: PlanSettlementParameters): SettlementPlan {
  const allocations = new Map<string, PayoutAllocation>()
  const allocatedByOperator = new Map<string, bigint>()
  for (const allocation of parameters.previous) {
    allocations.set(`${allocation.operatorId} ${allocation.payoutAddress}`, allocation)
    allocatedByOperator.set(allocation.operatorId, (allocatedByOperator.get(allocation.operatorId) ?? 0n) + allocation.amount)
  }
  let addedAmount = 0n
  for (const earnings of parameters.earnings) {
    if (earnings.payoutAddress === null) continue
    const unallocated = earnings.earned - (allocatedByOperator.get(earnings.operatorId) ?? 0n)
    if (unallocated <= 0n) continue
    const key = `${earnings.operatorId} ${earnings.payoutAddress}`
    const existing = allocations.get(key)
    allocations.set(key, { operatorId: earnings.operatorId, payoutAddress: earnings.payoutAddress, amount: (existing?.amount ?? 0n) + unallocated })
    addedAmount += unallocated
  }
  if (addedAmount === 0n) return { status: 'unchanged' }
  const byAddress = new Map<Address, bigint>()
  for (const allocation of allocations.values()) {
    byAddress.set(allocation.payoutAddress, (byAddress.get(allocation.payoutAddress) ?? 0n) + allocation.amount)
  }
  const entries = [...byAddress].map(([account, cumulativeAmount]) => ({ account, cumulativeAmount })).sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
  const sortedAllocations = [...allocations.values()].sort((a, b) => (a.operatorId < b.operatorId ? -1 : a.operatorId > b.operatorId ? 1 : a.payoutAddress < b.payoutAddress ? -1 : 1))
  return { status: 'planned', allocations: sortedAllocations, entries, addedAmount }
}
