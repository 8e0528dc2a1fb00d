import { operatorHeldLedgerAccount, operatorPendingLedgerAccount, SYSTEM_EMISSION } from '../ledger/ledger-accounts.ts'
import type { LedgerEntryInput, LedgerTransactionInput } from '../store/store.ts'
import type { OperatorPayout } from './operator-payout.ts'

/**
 * The ledger transactions of an epoch, built from its payouts alone, so a close that
 * resumes after a crash rebuilds exactly what the first attempt planned:
 * - `epoch:<id>:emission` (kind `epoch-emission`): `system:emission` −total,
 *   `operator:<id>:pending` +share for every operator with emission;
 * - `epoch:<id>:hold:<operator>` (kind `epoch-hold`): the operator's usage earnings of
 *   the epoch move from `operator:<id>:pending` to `operator:<id>:held`, memo = reason.
 * Ids are the idempotency keys: posting them again changes nothing. Pure.
 */
export function buildEpochTransactions(epochId: string, payouts: readonly OperatorPayout[]): LedgerTransactionInput[] {
  const transactions: LedgerTransactionInput[] = []
  const emissionEntries: LedgerEntryInput[] = []
  let emitted = 0n
  const sorted = [...payouts].sort((a, b) => (a.operatorId < b.operatorId ? -1 : a.operatorId > b.operatorId ? 1 : 0))
  for (const payout of sorted) {
    if (payout.source !== 'emission' || payout.amount <= 0n) continue
    emitted += payout.amount
    emissionEntries.push({ ledgerAccount: operatorPendingLedgerAccount(payout.operatorId), amount: payout.amount })
  }
  if (emitted > 0n) {
    transactions.push({
      id: `epoch:${epochId}:emission`,
      kind: 'epoch-emission',
      memo: `emission of epoch ${epochId}, split by score`,
      entries: [{ ledgerAccount: SYSTEM_EMISSION, amount: -emitted }, ...emissionEntries],
    })
  }
  for (const payout of sorted) {
    if (payout.source !== 'usage' || payout.heldReason === null || payout.amount <= 0n) continue
    transactions.push({
      id: `epoch:${epochId}:hold:${payout.operatorId}`,
      kind: 'epoch-hold',
      memo: `usage earnings of epoch ${epochId} held: ${payout.heldReason}`,
      entries: [
        { ledgerAccount: operatorPendingLedgerAccount(payout.operatorId), amount: -payout.amount },
        { ledgerAccount: operatorHeldLedgerAccount(payout.operatorId), amount: payout.amount },
      ],
    })
  }
  return transactions
}
