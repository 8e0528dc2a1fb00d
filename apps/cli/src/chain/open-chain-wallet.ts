import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import type { Hex, PublicClient, TransactionReceipt } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { SigningWalletClient } from '@meson/contracts'

/** viem clients for one RPC endpoint and one key. */
export interface ChainWallet {
  readonly publicClient: PublicClient
  readonly wallet: SigningWalletClient
}

/** Clients for `rpcUrl`, signing with `privateKey`, on chain `chainId` (as the coordinator names it). */
export function openChainWallet(rpcUrl: string, chainId: number, privateKey: Hex): ChainWallet {
  const chain = defineChain({ id: chainId, name: `chain ${chainId}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } })
  const transport = http(rpcUrl)
  return {
    publicClient: createPublicClient({ chain, transport, pollingInterval: 250 }),
    wallet: createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey), pollingInterval: 250 }),
  }
}

/**
 * Waits for the transaction's receipt, then until it is `confirmations` blocks deep,
 * rewriting one progress line (`\r`) as blocks arrive.
 */
export async function confirmWithProgress(
  publicClient: PublicClient,
  hash: Hex,
  confirmations: number,
  write: (text: string) => void,
  pollMs = 250,
): Promise<TransactionReceipt> {
  write(`sent ${hash}, waiting for it to be mined...`)
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  for (;;) {
    const depth = Number((await publicClient.getBlockNumber({ cacheTime: 0 })) - receipt.blockNumber + 1n)
    write(`\rconfirming ${hash.slice(0, 10)}…: ${Math.min(depth, confirmations)}/${confirmations} blocks   `)
    if (depth >= confirmations) break
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
  write('\n')
  return receipt
}
