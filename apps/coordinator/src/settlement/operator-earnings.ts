import type { AccountId } from '@meson/protocol'
import type { Address } from 'viem'

/** Everything an operator has ever earned (usage now, emission later), from the ledger. */
export interface OperatorEarnings {
  readonly operatorId: AccountId
  /** EIP-55 checksummed; null while the operator has bound none (their earnings wait). */
  readonly payoutAddress: Address | null
  /** Cumulative base units: the sum of every credit to `operator:<id>:pending`. */
  readonly earned: bigint
}

/** Port: the cumulative earnings settlement pays out. */
export interface EarningsSource {
  listOperatorEarnings(): Promise<readonly OperatorEarnings[]>
}
