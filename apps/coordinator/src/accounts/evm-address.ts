import { z } from 'zod'

/**
 * An EVM address: 0x + 40 hex digits. Stored lowercase: verifying an EIP-55 checksum needs
 * keccak-256, which node:crypto lacks, and lowercase is valid for every wallet.
 */
export const evmAddressSchema = z
  .string({ error: 'expected a string' })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'expected an EVM address: 0x followed by 40 hex digits' })
  .transform((address) => address.toLowerCase())
  .meta({ example: '0x52908400098527886e0f7030069857d2e4169ee7' })
