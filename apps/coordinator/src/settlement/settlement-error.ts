import { BaseError } from '@meson/protocol'

/**
 * Stable codes of settlement:
 * - `SETTLEMENT_DIVERGED`: the chain holds a different root under our sequence number
 *   (another settler, or a lost database): settlement stops until a person looks.
 * - `SETTLEMENT_REVERTED`: the distributor refused our root (role missing, wrong sequence).
 * - `CHAIN_UNAVAILABLE`: the RPC endpoint did not answer.
 */
export type SettlementErrorCode = 'SETTLEMENT_DIVERGED' | 'SETTLEMENT_REVERTED' | 'CHAIN_UNAVAILABLE'

/** An error of settlement, carrying one of the stable codes. */
export class SettlementError extends BaseError {
  override readonly name: string = 'SettlementError'
  declare readonly code: SettlementErrorCode

  constructor(code: SettlementErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
