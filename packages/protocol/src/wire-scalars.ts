import { z } from 'zod'
import { publicKeyFromString } from './keys.ts'

/**
 * The scalar types every wire format shares. Money and byte counts travel as decimal
 * strings (JSON numbers lose precision above 2^53) in their one canonical spelling —
 * no sign, no leading zeros — so that re-serializing a parsed message gives back the
 * signed bytes.
 */

const UINT_STRING = /^(0|[1-9]\d{0,77})$/

/** A non-negative integer as a decimal string ("0", "1024"), parsed to bigint, < 2^63. */
export const uint64StringSchema = z
  .string()
  .regex(UINT_STRING, 'expected a non-negative integer as a decimal string')
  .transform((text) => BigInt(text))
  .refine((value) => value < 2n ** 63n, 'must be below 2^63')

/** Like {@link uint64StringSchema} but strictly positive. */
export const positiveUint64StringSchema = uint64StringSchema.refine((value) => value > 0n, 'must be positive')

/** Milliseconds since the Unix epoch. */
export const timestampMsSchema = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER)

/** A non-negative counter that stays within JSON's exact integers. */
export const counterSchema = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER)

/** A raw ed25519 public key as base64url (43 characters). */
export const publicKeyStringSchema = z
  .string()
  .length(43)
  .refine((text) => publicKeyFromString(text).ok, 'not a base64url ed25519 public key')

/**
 * A zone as it appears in URLs (`/z/<zone>/...`): its DNS-label name, or its id
 * (`zon_...`, hence `_` is allowed), lowercase, at most 63 characters (RFC 1035 §2.3.4).
 */
export const zoneRefSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/, 'not a zone name')

/**
 * A zone's immutable id (`zon_` + 20 base32 characters, see `newZoneId`): unlike its name,
 * never reused after the zone is deleted, so caches, tickets, usage and purges keyed by it
 * cannot reach a later zone that took the same name.
 */
export const zoneIdSchema = z.string().regex(/^zon_[a-z2-7]{20}$/, 'not a zone id')

/** A random id such as a ticket nonce or command id: URL-safe, 16 to 64 characters. */
export const randomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a random id')
