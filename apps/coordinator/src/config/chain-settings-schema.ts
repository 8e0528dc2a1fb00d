import { getAddress, isAddress } from 'viem'
import type { Address } from 'viem'
import { z } from 'zod'

/**
 * Schemas of the chain settings (issue #12): where the coordinator settles. Messages never
 * echo the value (an RPC URL may carry an API key).
 */

/** An http(s) JSON-RPC URL. */
export const chainRpcUrlSchema = z.string({ error: 'expected an http(s) JSON-RPC URL' }).refine((text) => {
  if (!URL.canParse(text)) return false
  const protocol = new URL(text).protocol
  return protocol === 'http:' || protocol === 'https:'
}, { error: 'expected an http(s) JSON-RPC URL' })

/**
 * A contract address: all lowercase (no checksum) or a valid EIP-55 mixed-case checksum,
 * normalized to the checksummed form.
 */
export const contractAddressSchema = z
  .string({ error: 'expected a 0x-prefixed 20-byte address' })
  .refine((text) => /^0x[0-9a-fA-F]{40}$/.test(text), { error: 'expected a 0x-prefixed 20-byte address' })
  .refine((text) => isAddress(text, { strict: true }), { error: 'the EIP-55 checksum does not match (check the letter case, or write it all lowercase)' })
  .transform((text): Address => getAddress(text))

/** The chain settings a coordinator settles with: all of them, or none (no chain). */
export const CHAIN_REQUIRED_KEYS = ['chainRpcUrl', 'chainId', 'tokenAddress', 'distributorAddress', 'vaultAddress', 'settlerKeyFile'] as const

/** The first required chain key missing when some are set, or undefined (all set, or none). */
export function missingChainKey(settings: Readonly<Record<(typeof CHAIN_REQUIRED_KEYS)[number], unknown>>): (typeof CHAIN_REQUIRED_KEYS)[number] | undefined {
  const isAnySet = CHAIN_REQUIRED_KEYS.some((key) => settings[key] !== undefined)
  return isAnySet ? CHAIN_REQUIRED_KEYS.find((key) => settings[key] === undefined) : undefined
}
