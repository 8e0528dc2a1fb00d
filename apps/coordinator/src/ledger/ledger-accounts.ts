import type { AccountId } from '@meson/protocol'
import type { LedgerAccount } from '../store/store.ts'

/** The ledger account holding a buyer's prepaid credit. */
export function buyerLedgerAccount(accountId: AccountId): LedgerAccount {
  return `buyer:${accountId}`
}

/** Source of credits granted by an administrator (its balance goes negative). */
export const SYSTEM_GRANTS: LedgerAccount = 'system:grants'
