import { depositVaultAbi, encodeAccountId, mesonTokenAbi } from '@meson/contracts'
import { formatUnits, getAddress } from 'viem'
import type { Hex } from 'viem'
import { z } from 'zod'
import { confirmWithProgress, openChainWallet } from './open-chain-wallet.ts'

export interface RunDepositParameters {
  readonly coordinatorUrl: string
  readonly rpcUrl: string
  readonly privateKey: Hex
  readonly accountId: string
  readonly amount: bigint
  readonly confirmations: number
  readonly write: (text: string) => void
  readonly fetch?: typeof fetch
}

const chainBody = z.object({ chainId: z.number().int().positive(), token: z.string().regex(/^0x[0-9a-fA-F]{40}$/), vault: z.string().regex(/^0x[0-9a-fA-F]{40}$/) })

/**
 * Tops up a buyer account: approves the vault for `amount` and deposits it for the
 * account id. The coordinator credits the account once the deposit has its confirmations.
 */
export async function runDeposit(parameters: RunDepositParameters): Promise<Hex> {
  const accountBytes = encodeAccountId(parameters.accountId)
  if (accountBytes === undefined) throw new Error(`${parameters.accountId} is not an account id (acc_...)`)
  const response = await (parameters.fetch ?? fetch)(new URL('/v1/chain', parameters.coordinatorUrl))
  if (!response.ok) throw new Error(`the coordinator has no chain configured (GET /v1/chain answered ${response.status})`)
  const info = chainBody.parse(await response.json())
  const token = getAddress(info.token)
  const vault = getAddress(info.vault)
  const { publicClient, wallet } = openChainWallet(parameters.rpcUrl, info.chainId, parameters.privateKey)
  const approval = await wallet.writeContract({ address: token, abi: mesonTokenAbi, functionName: 'approve', args: [vault, parameters.amount], chain: wallet.chain, account: wallet.account })
  await publicClient.waitForTransactionReceipt({ hash: approval })
  const hash = await wallet.writeContract({ address: vault, abi: depositVaultAbi, functionName: 'deposit', args: [accountBytes, parameters.amount], chain: wallet.chain, account: wallet.account })
  const receipt = await confirmWithProgress(publicClient, hash, parameters.confirmations, parameters.write)
  if (receipt.status !== 'success') throw new Error(`the deposit transaction ${hash} reverted`)
  parameters.write(`deposited ${formatUnits(parameters.amount, 18)} MSN for ${parameters.accountId} in ${hash}; the coordinator credits it after its confirmations\n`)
  return hash
}
