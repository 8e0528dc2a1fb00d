import type { Hex } from 'viem'
import type { PayoutAllocation } from './payout-allocation.ts'

/**
 * One settlement: root number `sequence` of the distributor.
 * - `planned`: recorded before anything is sent, so a crash after sending finds it;
 * - `sent`: the transaction is known (it may still be unconfirmed or dropped);
 * - `confirmed`: the root is on chain under enough blocks; proofs are served from it.
 */
export interface SettlementRecord {
  readonly sequence: number
  readonly root: Hex
  readonly status: 'planned' | 'sent' | 'confirmed'
  readonly txHash: Hex | null
  /** Sum of the leaves: everything ever owed, as of this root. */
  readonly totalAmount: bigint
  readonly createdAt: Date
  readonly confirmedAt: Date | null
}

/** Storage port of settlement and the deposit watcher. One owner of these tables. */
export interface SettlementStore {
  /** The settlement with the highest sequence, whatever its status. */
  latestSettlement(): Promise<SettlementRecord | undefined>
  /** The highest confirmed settlement. */
  latestConfirmedSettlement(): Promise<SettlementRecord | undefined>
  /**
   * Records a new planned settlement with its allocations, atomically. Returns false
   * (and writes nothing) when that sequence exists already.
   */
  recordPlanned(input: { sequence: number; root: Hex; totalAmount: bigint; allocations: readonly PayoutAllocation[] }): Promise<boolean>
  markSent(sequence: number, txHash: Hex): Promise<void>
  markConfirmed(sequence: number, txHash: Hex, at: Date): Promise<void>
  listAllocations(sequence: number): Promise<readonly PayoutAllocation[]>

  /** The last block whose events a watcher has fully processed (undefined: none yet). */
  getCursor(name: string): Promise<bigint | undefined>
  setCursor(name: string, blockNumber: bigint): Promise<void>
}
