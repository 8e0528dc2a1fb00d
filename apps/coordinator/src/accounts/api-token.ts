import { createHash, randomBytes } from 'node:crypto'

/** `msn_` + 32 random bytes in base64url (43 characters). */
export const API_TOKEN_PATTERN = /^msn_[A-Za-z0-9_-]{43}$/

/** Creates a fresh API token; it is shown to its owner once and stored only hashed. */
export function generateApiToken(): string {
  return `msn_${randomBytes(32).toString('base64url')}`
}

/** SHA-256 hex of a token: what the store keeps. A fast hash is fine for 256 random bits. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}
