import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import type { Address, Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { ClaimsView } from '../../settlement/claims-view.ts'
import { DepositWatcher } from '../../settlement/deposit-watcher.ts'
import type { SettlementService } from '../../settlement/settlement-service.ts'
import { Settler } from '../../settlement/settler.ts'
import type { Store } from '../../store/store.ts'
import type { EarningsSource } from '../../settlement/operator-earnings.ts'
import type { SettlementStore } from '../../settlement/settlement-store.ts'
import { ViemDepositLogSource } from './viem-deposit-log-source.ts'
import { ViemDistributor } from './viem-distributor.ts'

/** Where and how the coordinator settles on chain. */
export interface ChainSettlementOptions {
  readonly rpcUrl: string
  readonly chainId: number
  readonly token: Address
  readonly distributor: Address
  readonly vault: Address
  /** Private key holding SETTLER_ROLE (read from a file or the environment by the caller, never logged). */
  readonly settlerKey: Hex
  /** Blocks a root or a deposit must be under; default 1 on a local chain. */
  readonly confirmations?: number
  readonly depositPollMs?: number
  /** The contracts' deployment block, where event searches start. */
  readonly fromBlock?: bigint
}

export interface ChainSettlement {
  readonly service: SettlementService
  readonly settler: Settler
  readonly deposits: DepositWatcher
  stop(): Promise<void>
}

/** Wires settlement and the deposit watcher to a chain through viem, and starts their timers. */
export function startChainSettlement(
  options: ChainSettlementOptions,
  collaborators: {
    readonly store: Store
    readonly settlementStore: SettlementStore
    readonly earnings: EarningsSource
    readonly onError: (error: unknown, task: string) => void
  },
): ChainSettlement {
  const chain = defineChain({ id: options.chainId, name: `chain ${options.chainId}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [options.rpcUrl] } } })
  const transport = http(options.rpcUrl)
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 500 })
  const wallet = createWalletClient({ chain, transport, account: privateKeyToAccount(options.settlerKey), pollingInterval: 500 })
  const { settlementStore } = collaborators
  const distributor = new ViemDistributor({ address: options.distributor, publicClient, wallet, ...(options.fromBlock === undefined ? {} : { fromBlock: options.fromBlock }) })
  const confirmations = options.confirmations ?? 1
  const settler = new Settler({ store: settlementStore, earnings: collaborators.earnings, distributor, confirmations, onError: (error) => collaborators.onError(error, 'settle') })
  const deposits = new DepositWatcher({
    logs: new ViemDepositLogSource({ publicClient, vault: options.vault }),
    store: collaborators.store,
    cursors: settlementStore,
    confirmations,
    startBlock: options.fromBlock ?? 0n,
    onError: (error) => collaborators.onError(error, 'deposits'),
  })
  deposits.start(options.depositPollMs ?? 2_000)
  return {
    service: { chain: { chainId: options.chainId, token: options.token, distributor: options.distributor, vault: options.vault }, claims: new ClaimsView({ store: settlementStore, distributor }) },
    settler,
    deposits,
    async stop() {
      await settler.stop()
      await deposits.stop()
    },
  }
}
