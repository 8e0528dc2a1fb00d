import { cumulativeMerkleDistributorAbi } from '@meson/contracts'
import type { SigningWalletClient } from '@meson/contracts'
import { WaitForTransactionReceiptTimeoutError } from 'viem'
import type { Address, Hex, PublicClient } from 'viem'
import type { Distributor } from '../../settlement/distributor.ts'
import { SettlementError } from '../../settlement/settlement-error.ts'

export interface ViemDistributorInit {
  readonly address: Address
  readonly publicClient: PublicClient
  /** Holds SETTLER_ROLE on the distributor. */
  readonly wallet: SigningWalletClient
  /** The block the distributor was deployed in: where event searches start. */
  readonly fromBlock?: bigint
  /** How long to wait for a transaction before calling it dropped. */
  readonly receiptTimeoutMs?: number
}

/** The cumulative Merkle distributor through viem. */
export class ViemDistributor implements Distributor {
  readonly address: Address
  readonly chainId: number
  readonly #init: ViemDistributorInit

  constructor(init: ViemDistributorInit) {
    this.#init = init
    this.address = init.address
    const chainId = init.wallet.chain?.id
    if (chainId === undefined) throw new SettlementError('CHAIN_UNAVAILABLE', 'The settlement wallet has no chain configured.')
    this.chainId = chainId
  }

  async readSequence(): Promise<number> {
    return Number(await this.#init.publicClient.readContract({ address: this.address, abi: cumulativeMerkleDistributorAbi, functionName: 'sequence' }))
  }

  async findRootPosted(sequence: number): Promise<{ readonly root: Hex; readonly txHash: Hex } | undefined> {
    const events = await this.#init.publicClient.getContractEvents({
      address: this.address,
      abi: cumulativeMerkleDistributorAbi,
      eventName: 'RootPosted',
      args: { sequence: BigInt(sequence) },
      fromBlock: this.#init.fromBlock ?? 0n,
      strict: true,
    })
    const event = events.at(-1)
    return event === undefined ? undefined : { root: event.args.root, txHash: event.transactionHash }
  }

  async postRoot(sequence: number, root: Hex): Promise<Hex> {
    const { wallet } = this.#init
    try {
      return await wallet.writeContract({ address: this.address, abi: cumulativeMerkleDistributorAbi, functionName: 'postRoot', args: [BigInt(sequence), root], chain: wallet.chain, account: wallet.account })
    } catch (error) {
      throw new SettlementError('SETTLEMENT_REVERTED', `The distributor refused root ${sequence}.`, { cause: error, details: error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'unknown error' })
    }
  }

  async waitForConfirmations(txHash: Hex, confirmations: number): Promise<'confirmed' | 'reverted' | 'dropped'> {
    try {
      const receipt = await this.#init.publicClient.waitForTransactionReceipt({ hash: txHash, confirmations, timeout: this.#init.receiptTimeoutMs ?? 120_000 })
      return receipt.status === 'success' ? 'confirmed' : 'reverted'
    } catch (error) {
      if (error instanceof WaitForTransactionReceiptTimeoutError) return 'dropped'
      throw error
    }
  }

  async readClaimed(account: Address): Promise<bigint> {
    return this.#init.publicClient.readContract({ address: this.address, abi: cumulativeMerkleDistributorAbi, functionName: 'claimed', args: [account] })
  }
}
