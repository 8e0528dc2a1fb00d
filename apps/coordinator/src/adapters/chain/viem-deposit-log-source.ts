import { decodeAccountId, depositVaultAbi } from '@meson/contracts'
import type { Address, PublicClient } from 'viem'
import type { DepositLog, DepositLogSource } from '../../settlement/deposit-log-source.ts'

/** The vault's Deposited events through viem. */
export class ViemDepositLogSource implements DepositLogSource {
  readonly #publicClient: PublicClient
  readonly #vault: Address

  constructor(init: { readonly publicClient: PublicClient; readonly vault: Address }) {
    this.#publicClient = init.publicClient
    this.#vault = init.vault
  }

  readHead(): Promise<bigint> {
    return this.#publicClient.getBlockNumber({ cacheTime: 0 })
  }

  async readDeposits(fromBlock: bigint, toBlock: bigint): Promise<readonly DepositLog[]> {
    const events = await this.#publicClient.getContractEvents({ address: this.#vault, abi: depositVaultAbi, eventName: 'Deposited', fromBlock, toBlock, strict: true })
    return events.map((event) => ({
      accountId: decodeAccountId(event.args.accountId),
      from: event.args.from,
      amount: event.args.amount,
      txHash: event.transactionHash,
      logIndex: event.logIndex,
      blockNumber: event.blockNumber,
    }))
  }
}
