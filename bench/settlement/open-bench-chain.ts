import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import type { PublicClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { ANVIL_DEV_KEYS, findAnvilBinary, startAnvil } from '@meson/contracts'
import type { SigningWalletClient } from '@meson/contracts'

/** A throwaway anvil with a funded wallet; undefined when anvil is not installed. */
export async function openBenchChain(): Promise<{ wallet: SigningWalletClient; publicClient: PublicClient; stop: () => Promise<void> } | undefined> {
  if (findAnvilBinary() === undefined) return undefined
  const anvil = await startAnvil()
  const chain = defineChain({ id: anvil.chainId, name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [anvil.rpcUrl] } } })
  const transport = http(anvil.rpcUrl)
  return {
    wallet: createWalletClient({ chain, transport, account: privateKeyToAccount(ANVIL_DEV_KEYS[0]), pollingInterval: 50 }),
    publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }),
    stop: () => anvil.stop(),
  }
}
