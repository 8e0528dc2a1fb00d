import type { AccountId } from '@meson/protocol'

/** One operator's earnings of one epoch by source; `held` amounts moved to `operator:<id>:held`. */
export interface OperatorPayout {
  readonly operatorId: AccountId
  readonly source: 'usage' | 'emission'
  readonly amount: bigint
  readonly heldReason: string | null
}
