import type { Address, Hex } from 'viem'

/** Port: the cumulative Merkle distributor contract, as settlement needs it. */
export interface Distributor {
  readonly address: Address
  readonly chainId: number
  /** How many roots the contract holds (its `sequence`). */
  readSequence(): Promise<number>
  /** The transaction that posted root `sequence`, from its RootPosted event. */
  findRootPosted(sequence: number): Promise<{ readonly root: Hex; readonly txHash: Hex } | undefined>
  /** Sends `postRoot(sequence, root)`; resolves with the hash once the node accepted it. */
  postRoot(sequence: number, root: Hex): Promise<Hex>
  /**
   * Waits until the transaction is `confirmations` blocks deep; 'reverted' or 'dropped'
   * (not mined within the wait) let the caller decide what to do next.
   */
  waitForConfirmations(txHash: Hex, confirmations: number): Promise<'confirmed' | 'reverted' | 'dropped'>
  /** What the contract has paid `account` so far. */
  readClaimed(account: Address): Promise<bigint>
}
