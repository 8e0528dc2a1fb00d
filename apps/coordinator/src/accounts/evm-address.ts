import { isAddress } from 'viem'
import { z } from 'zod'

/**
 * An EVM address: 0x + 40 hex digits. Mixed case must be a valid EIP-55 checksum
 * (checked with viem), so a mistyped address is refused instead of paid; all-lowercase
 * or all-uppercase digits carry no checksum and are accepted. Stored lowercase;
 * settlement checksums it again where it pays (viem `getAddress`).
 */
export const evmAddressSchema = z
  .string({ error: 'expected a string' })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'expected an EVM address: 0x followed by 40 hex digits' })
  .refine((address) => hasNoChecksum(address) || isAddress(address, { strict: true }), { error: 'the address has a wrong EIP-55 checksum (mixed case must match it); check it, or write it all lowercase' })
  .transform((address) => address.toLowerCase())
  .meta({ example: '0x52908400098527886e0f7030069857d2e4169ee7' })

/** EIP-55: digits all lowercase or all uppercase carry no checksum. */
function hasNoChecksum(address: string): boolean {
  const digits = address.slice(2)
  return digits === digits.toLowerCase() || digits === digits.toUpperCase()
}
