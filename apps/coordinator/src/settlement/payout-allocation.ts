import type { AccountId } from '@meson/protocol'
import type { Address } from 'viem'

/**
 * How much of one operator's earnings has been committed to one payout address, in
 * total, up to some settlement. An operator who changes address keeps what the old
 * address was given; only later earnings go to the new one, so nothing is paid twice.
 */
export interface PayoutAllocation {
  readonly operatorId: AccountId
  readonly payoutAddress: Address
  readonly amount: bigint
}
