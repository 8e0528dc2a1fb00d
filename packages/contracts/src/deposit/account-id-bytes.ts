import { hexToString, stringToHex } from 'viem'
import type { Hex } from 'viem'

/**
 * An account id as the vault's `bytes32 accountId`: its ASCII bytes, right-padded with
 * zeros. Ids are `acc_` + 20 characters (24 bytes); undefined when one would not fit.
 */
export function encodeAccountId(accountId: string): Hex | undefined {
  if (!/^[\x21-\x7e]{1,32}$/.test(accountId)) return undefined
  return stringToHex(accountId, { size: 32 })
}

/** The account id a Deposited event names (trailing zero bytes removed). */
export function decodeAccountId(bytes: Hex): string {
  return hexToString(bytes, { size: 32 }).replace(/\0+$/, '')
}
