import type { LedgerTransactionInput } from '../../store/store.ts'
import { isStorableMoney } from './storable-money.ts'

export type CheckLedgerTransactionResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'LEDGER_UNBALANCED' | 'AMOUNT_OUT_OF_RANGE'; readonly reason: string }

/**
 * Checks the double-entry rules before anything is written: at least two entries
 * (one debit, one credit), entries summing to exactly zero, every amount storable.
 */
export function checkLedgerTransaction(tx: LedgerTransactionInput): CheckLedgerTransactionResult {
  if (tx.entries.length < 2) {
    return { ok: false, code: 'LEDGER_UNBALANCED', reason: `transaction ${tx.id} has ${tx.entries.length} entries; at least 2 are needed` }
  }
  let sum = 0n
  for (const entry of tx.entries) {
    if (!isStorableMoney(entry.amount)) {
      return { ok: false, code: 'AMOUNT_OUT_OF_RANGE', reason: `an amount of transaction ${tx.id} has more than 78 digits` }
    }
    sum += entry.amount
  }
  if (sum !== 0n) {
    return { ok: false, code: 'LEDGER_UNBALANCED', reason: `the entries of transaction ${tx.id} sum to ${sum}, not 0` }
  }
  return { ok: true }
}
