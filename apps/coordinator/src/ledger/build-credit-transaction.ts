import type { AccountId } from '@meson/protocol'
import type { LedgerTransactionInput } from '../store/store.ts'
import { buyerLedgerAccount, SYSTEM_GRANTS } from './ledger-accounts.ts'

export interface BuildCreditTransactionParameters {
  readonly accountId: AccountId
  /** Base units, > 0. */
  readonly amount: bigint
  /** The caller's idempotency key; a fresh id is used when absent. */
  readonly transactionKey: string
}

/**
 * An admin grant: `system:grants` −amount, `buyer:<id>` +amount. The transaction id is
 * namespaced by kind so a caller's key can never collide with another kind's ids.
 */
export function buildCreditTransaction(parameters: BuildCreditTransactionParameters): LedgerTransactionInput {
  return {
    id: `admin-credit:${parameters.transactionKey}`,
    kind: 'admin-credit',
    entries: [
      { ledgerAccount: SYSTEM_GRANTS, amount: -parameters.amount },
      { ledgerAccount: buyerLedgerAccount(parameters.accountId), amount: parameters.amount },
    ],
  }
}
