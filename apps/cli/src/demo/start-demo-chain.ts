import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ANVIL_DEV_KEYS, deployNetworkContracts, mesonTokenAbi, startAnvil } from '@meson/contracts'
import type { NetworkContracts } from '@meson/contracts'
import type { ChainSettlementOptions } from '@meson/coordinator'
import { createPublicClient, createWalletClient, defineChain, http, parseUnits } from 'viem'
import type { Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/** The demo's local chain: anvil, the deployed contracts and the demo's keys. */
export interface DemoChain {
  readonly rpcUrl: string
  readonly chainId: number
  readonly contracts: NetworkContracts
  /** The demo operator's payout address and the 0600 file holding its key. */
  readonly operatorAddress: Address
  readonly operatorKeyFile: string
  /** What the coordinator needs to settle on this chain. */
  readonly settlement: ChainSettlementOptions
  stop(): Promise<void>
}

/** The distributor's float in the demo; a real network funds it from the vault and emission. */
const DEMO_DISTRIBUTOR_FUNDS = parseUnits('1000000', 18)

/**
 * Starts anvil as a child process (stopped with the demo), deploys token, distributor
 * and vault with anvil's development keys — #0 deploys and mints, #1 settles, #2 is the
 * demo operator's payout wallet — funds the distributor, and writes the operator key to
 * a 0600 file for `meson-net claim`. Development keys only: this chain is local.
 */
export async function startDemoChain(options: { readonly dataDir: string }): Promise<DemoChain> {
  const anvil = await startAnvil()
  try {
    const chain = defineChain({ id: anvil.chainId, name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [anvil.rpcUrl] } } })
    const transport = http(anvil.rpcUrl)
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 100 })
    const deployer = createWalletClient({ chain, transport, account: privateKeyToAccount(ANVIL_DEV_KEYS[0]), pollingInterval: 100 })
    const settlerAddress = privateKeyToAccount(ANVIL_DEV_KEYS[1]).address
    const contracts = await deployNetworkContracts({ wallet: deployer, publicClient, minter: deployer.account.address, settler: settlerAddress })
    const hash = await deployer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [contracts.distributor, DEMO_DISTRIBUTOR_FUNDS], chain, account: deployer.account })
    await publicClient.waitForTransactionReceipt({ hash })
    const operatorKeyFile = join(options.dataDir, 'operator-payout.key')
    await writeFile(operatorKeyFile, `${ANVIL_DEV_KEYS[2]}\n`, { mode: 0o600 })
    return {
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      contracts,
      operatorAddress: privateKeyToAccount(ANVIL_DEV_KEYS[2]).address,
      operatorKeyFile,
      settlement: { rpcUrl: anvil.rpcUrl, chainId: anvil.chainId, ...contracts, settlerKey: ANVIL_DEV_KEYS[1], depositPollMs: 1_000 },
      stop: () => anvil.stop(),
    }
  } catch (error) {
    await anvil.stop()
    throw error
  }
}
