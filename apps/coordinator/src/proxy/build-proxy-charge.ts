import { costOfBytes } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { buyerLedgerAccount, operatorPendingLedgerAccount, SYSTEM_PROTOCOL_FEES } from '../ledger/ledger-accounts.ts'
import type { LedgerEntryInput, LedgerTransactionInput } from '../store/store.ts'

export interface BuildProxyChargeParameters {
  /** Idempotency key of the posting, `proxy:<connectionId>:<sequence>`. */
  readonly id: string
  readonly accountId: AccountId
  readonly operatorId: AccountId
  readonly nodeId: string
  /** Bytes of this connection already billed, and the total now (both directions). */
  readonly billedBytes: bigint
  readonly totalBytes: bigint
  readonly pricePerGiB: bigint
  /** Whole percent for the node's operator, 0..100; the same share rule as CDN usage. */
  readonly operatorSharePercent: number
}

export interface ProxyCharge {
  readonly cost: bigint
  readonly operatorShare: bigint
  readonly protocolFee: bigint
  /** Undefined when the cost of the new bytes floors to 0. */
  readonly transaction: LedgerTransactionInput | undefined
}

/**
 * Prices the bytes a connection moved since its last charge. The cost is the cost of
 * all its bytes minus the cost of the bytes billed before, so however often a long
 * connection is flushed, its total charge is exactly `costOfBytes(total)` — the
 * flooring never loses a base unit per flush. The operator's share is floored and the
 * protocol's fee is the rest, so the entries sum to zero (as in buildUsageCharges).
 */
export function buildProxyCharge(parameters: BuildProxyChargeParameters): ProxyCharge {
  const { operatorSharePercent } = parameters
  if (!Number.isInteger(operatorSharePercent) || operatorSharePercent < 0 || operatorSharePercent > 100) {
    throw new RangeError(`operatorSharePercent must be an integer 0..100, got ${operatorSharePercent}`)
  }
  if (parameters.totalBytes < parameters.billedBytes) throw new RangeError('totalBytes is below billedBytes')
  const cost = costOfBytes(parameters.totalBytes, parameters.pricePerGiB) - costOfBytes(parameters.billedBytes, parameters.pricePerGiB)
  const operatorShare = (cost * BigInt(operatorSharePercent)) / 100n
  const protocolFee = cost - operatorShare
  if (cost === 0n) return { cost, operatorShare, protocolFee, transaction: undefined }
  const entries: LedgerEntryInput[] = [{ ledgerAccount: buyerLedgerAccount(parameters.accountId), amount: -cost }]
  if (operatorShare > 0n) entries.push({ ledgerAccount: operatorPendingLedgerAccount(parameters.operatorId), amount: operatorShare })
  if (protocolFee > 0n) entries.push({ ledgerAccount: SYSTEM_PROTOCOL_FEES, amount: protocolFee })
  const bytes = parameters.totalBytes - parameters.billedBytes
  return {
    cost,
    operatorShare,
    protocolFee,
    transaction: { id: parameters.id, kind: 'proxy-usage', memo: `${bytes} proxy bytes through node ${parameters.nodeId}`, entries },
  }
}
