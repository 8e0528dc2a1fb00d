import type { Address, Hex } from 'viem'

/** One `Deposited` event of the vault. */
export interface DepositLog {
  /** The account id the buyer named (decoded from bytes32). */
  readonly accountId: string
  readonly from: Address
  readonly amount: bigint
  readonly txHash: Hex
  readonly logIndex: number
  readonly blockNumber: bigint
}

/** Port: the vault's deposit events. */
export interface DepositLogSource {
  /** The chain's latest block number. */
  readHead(): Promise<bigint>
  /** Deposits in blocks `fromBlock`..`toBlock` (inclusive), in chain order. */
  readDeposits(fromBlock: bigint, toBlock: bigint): Promise<readonly DepositLog[]>
}
