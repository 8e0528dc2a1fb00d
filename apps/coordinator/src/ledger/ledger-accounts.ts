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

/** Source of newly emitted tokens (its balance goes negative by what was emitted). */
export const SYSTEM_EMISSION: LedgerAccount = 'system:emission'

/** An operator's usage earnings held back for an epoch (implausible usage, failed probe). */
export function operatorHeldLedgerAccount(accountId: AccountId): LedgerAccount {
  return `operator:${accountId}:held`
}
