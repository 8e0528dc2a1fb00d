import { createHash, timingSafeEqual } from 'node:crypto'

/** Holds the admin token as a digest and compares presented tokens in constant time. */
export interface AdminSecret {
  matches(presented: string): boolean
}

/**
 * Comparing digests, not the strings, makes both sides the same length (timingSafeEqual
 * needs that) and hides the token's length from timing.
 */
export function createAdminSecret(adminToken: string): AdminSecret {
  const expected = createHash('sha256').update(adminToken, 'utf8').digest()
  return {
    matches(presented) {
      const actual = createHash('sha256').update(presented, 'utf8').digest()
      return timingSafeEqual(expected, actual)
    },
  }
}
