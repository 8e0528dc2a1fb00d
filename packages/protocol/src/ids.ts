import { randomBytes } from 'node:crypto'

declare const brand: unique symbol
/** A string that has been checked to be an id of kind `K`. */
export type Brand<T, K extends string> = T & { readonly [brand]: K }

/** A buyer or operator account: `acc_` + 20 base32 characters. */
export type AccountId = Brand<string, 'AccountId'>
/** A pull zone: `zon_` + 20 base32 characters. */
export type ZoneId = Brand<string, 'ZoneId'>
/** An edge node, derived from its ed25519 public key (see node-id.ts). */
export type NodeId = Brand<string, 'NodeId'>

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** Returns `prefix_` followed by `length` random lowercase base32 characters. */
export function randomBase32Id(prefix: string, length = 20): string {
  const bytes = randomBytes(length)
  let out = `${prefix}_`
  for (const byte of bytes) out += BASE32.charAt(byte & 31)
  return out
}

/** Creates a fresh account id. */
export function newAccountId(): AccountId {
  return randomBase32Id('acc') as AccountId
}

/** Creates a fresh zone id. */
export function newZoneId(): ZoneId {
  return randomBase32Id('zon') as ZoneId
}

/** A ticket's nonce: `tn_` + 20 base32 characters (100 random bits). */
export function newTicketNonce(): string {
  return randomBase32Id('tn')
}

/** A usage report batch: `ub_` + 20 base32 characters; a UUID is accepted too. */
export function newUsageBatchId(): string {
  return randomBase32Id('ub')
}

/** A signed command: `cmd_` + 20 base32 characters. */
export function newCommandId(): string {
  return randomBase32Id('cmd')
}
