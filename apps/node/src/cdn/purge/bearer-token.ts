import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Checks `Authorization: Bearer <token>` (RFC 6750 §2.1) in constant time. Both sides
 * are hashed first so the comparison takes the same time whatever the lengths.
 */
export function isBearerTokenValid(authorization: string | undefined, expectedToken: string): boolean {
  if (authorization === undefined) return false
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)
  const presented = match?.[1] ?? ''
  const isEqual = timingSafeEqual(sha256(presented), sha256(expectedToken))
  return isEqual && presented !== ''
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
