import type { AccountId } from '@meson/protocol'
import { buyerLedgerAccount } from '../ledger/ledger-accounts.ts'
import type { LedgerTransactionInput } from '../store/store.ts'
import type { DepositLog } from './deposit-log-source.ts'

/** Where deposited tokens come from in the ledger: the vault (its balance goes negative). */
export const SYSTEM_CHAIN_DEPOSITS = 'system:chain-deposits'
/** Deposits naming no buyer account: kept visible for an administrator, never lost. */
export const SYSTEM_UNMATCHED_DEPOSITS = 'system:unmatched-deposits'

/**
 * The ledger transaction of one vault deposit: `system:chain-deposits` −amount, the
 * buyer +amount (or `system:unmatched-deposits` when the id names no buyer). Its id is
 * the log's identity on chain, so seeing the same log twice credits it once.
 */
export function buildDepositTransaction(log: DepositLog, buyerId: AccountId | undefined): LedgerTransactionInput {
  return {
    id: `deposit:${log.txHash}:${log.logIndex}`,
    kind: 'chain-deposit',
    memo: `vault deposit from ${log.from} for ${log.accountId} in block ${log.blockNumber}`,
    entries: [
      { ledgerAccount: SYSTEM_CHAIN_DEPOSITS, amount: -log.amount },
      { ledgerAccount: buyerId === undefined ? SYSTEM_UNMATCHED_DEPOSITS : buyerLedgerAccount(buyerId), amount: log.amount },
    ],
  }
}
