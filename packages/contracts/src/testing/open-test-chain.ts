import type { TestContext } from 'node:test'
import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import type { Chain, PublicClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { ANVIL_DEV_KEYS } from '../anvil/anvil-dev-keys.ts'
import { findAnvilBinary, startAnvil } from '../anvil/start-anvil.ts'
import type { RunningAnvil } from '../anvil/start-anvil.ts'
import type { SigningWalletClient } from '../deploy/deploy-contract.ts'

/** A fresh anvil chain with clients for its funded development accounts. */
export interface TestChain {
  readonly anvil: RunningAnvil
  readonly chain: Chain
  readonly publicClient: PublicClient
  /** One wallet per anvil development key; wallets[0] deploys. */
  readonly wallets: readonly SigningWalletClient[]
}

/**
 * Starts anvil for a test and stops it when the test ends. Returns undefined (after
 * `t.skip`) when anvil is not installed, except under CI=true, where that fails.
 */
export async function openTestChain(t: TestContext): Promise<TestChain | undefined> {
  if (findAnvilBinary() === undefined) {
    if (process.env.CI === 'true') throw new Error('anvil (@foundry-rs/anvil) is required in CI')
    t.skip('anvil is not installed (npm package @foundry-rs/anvil)')
    return undefined
  }
  const anvil = await startAnvil()
  t.after(() => anvil.stop())
  const chain = defineChain({
    id: anvil.chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [anvil.rpcUrl] } },
  })
  // Poll fast: anvil mines instantly, and the default 4 s would only slow tests down.
  const transport = http(anvil.rpcUrl)
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 })
  const wallets = ANVIL_DEV_KEYS.map((key) => createWalletClient({ chain, transport, account: privateKeyToAccount(key), pollingInterval: 50 }))
  return { anvil, chain, publicClient, wallets }
}
