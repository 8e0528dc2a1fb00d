import { cumulativeMerkleDistributorAbi } from '@meson/contracts'
import { formatUnits, getAddress, parseEventLogs } from 'viem'
import type { Address, Hex } from 'viem'
import { z } from 'zod'
import { confirmWithProgress, openChainWallet } from './open-chain-wallet.ts'

export interface RunClaimParameters {
  readonly coordinatorUrl: string
  readonly rpcUrl: string
  readonly privateKey: Hex
  readonly confirmations: number
  readonly write: (text: string) => void
  readonly fetch?: typeof fetch
}

const claimBody = z.object({
  address: z.string(),
  cumulativeAmount: z.string().regex(/^\d+$/),
  claimed: z.string().regex(/^\d+$/),
  proof: z.array(z.string().regex(/^0x[0-9a-fA-F]{64}$/)),
  distributor: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  chainId: z.number().int().positive(),
})

/**
 * Claims what the distributor owes the key's address: asks the coordinator for the
 * latest proof, reads what was already paid on chain, sends `claim`, confirms it, and
 * returns the base units received (0 when nothing is due; nothing is sent then).
 */
export async function runClaim(parameters: RunClaimParameters): Promise<bigint> {
  const { write } = parameters
  const address = openChainWallet(parameters.rpcUrl, 1, parameters.privateKey).wallet.account.address
  const response = await (parameters.fetch ?? fetch)(new URL(`/v1/claims/${address}`, parameters.coordinatorUrl))
  if (response.status === 404) {
    write(`nothing to claim for ${address}: no settled root pays it yet\nreceived 0 MSN\n`)
    return 0n
  }
  if (!response.ok) throw new Error(`the coordinator answered ${response.status} for ${address}`)
  const claim = claimBody.parse(await response.json())
  const distributor: Address = getAddress(claim.distributor)
  const { publicClient, wallet } = openChainWallet(parameters.rpcUrl, claim.chainId, parameters.privateKey)
  const cumulative = BigInt(claim.cumulativeAmount)
  // The chain, not the coordinator, says what was paid: a claim may have happened since.
  const claimed = await publicClient.readContract({ address: distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claimed', args: [address] })
  if (cumulative <= claimed) {
    write(`nothing new to claim for ${address}: ${formatUnits(claimed, 18)} MSN already paid\nreceived 0 MSN\n`)
    return 0n
  }
  const hash = await wallet.writeContract({ address: distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claim', args: [address, cumulative, claim.proof as Hex[]], chain: wallet.chain, account: wallet.account })
  const receipt = await confirmWithProgress(publicClient, hash, parameters.confirmations, write)
  if (receipt.status !== 'success') throw new Error(`the claim transaction ${hash} reverted`)
  const [event] = parseEventLogs({ abi: cumulativeMerkleDistributorAbi, logs: receipt.logs, eventName: 'Claimed' })
  const received = event?.args.amount ?? 0n
  write(`received ${formatUnits(received, 18)} MSN (${received} base units) at ${address} in ${hash}\n`)
  return received
}
