import type { AccountId } from '@meson/protocol'
import type { LedgerAccount } from '../store/store.ts'

/** The ledger account holding a buyer's prepaid credit. */
export function buyerLedgerAccount(accountId: AccountId): LedgerAccount {
  return `buyer:${accountId}`
}

/** Source of credits granted by an administrator (its balance goes negative). */
export const SYSTEM_GRANTS: LedgerAccount = 'system:grants'

/** An operator's earnings not yet settled on chain (credited per metered usage batch). */
export function operatorPendingLedgerAccount(accountId: AccountId): LedgerAccount {
  return `operator:${accountId}:pending`
}

/** The protocol's share of buyer payments (what is left after the operator's share). */
export const SYSTEM_PROTOCOL_FEES: LedgerAccount = 'system:protocol-fees'
