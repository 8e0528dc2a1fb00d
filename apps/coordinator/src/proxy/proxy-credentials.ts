import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { parseProxyUsername } from '@meson/protocol'
import type { ProxyUsername } from '@meson/protocol'

/** A fresh proxy password: 24 random bytes, base64url (shown to the buyer once). */
export function generateProxySecret(): string {
  return randomBytes(24).toString('base64url')
}

/** SHA-256 hex of a proxy secret (192 random bits, so a fast hash is enough). */
export function hashProxySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

export type ProxyAuthResult =
  | { readonly ok: true; readonly route: ProxyUsername }
  | { readonly ok: false; readonly reason: 'bad-username' | 'bad-credentials' }

/**
 * Checks a proxy username/password: the username must follow the grammar and name an
 * account whose stored secret hash matches the password. An unknown account and a wrong
 * password are the same answer, so the proxy cannot be used to probe for accounts.
 */
export async function authenticateProxyUser(
  username: string,
  password: string,
  readHash: (accountId: string) => Promise<string | undefined>,
): Promise<ProxyAuthResult> {
  const parsed = parseProxyUsername(username)
  if (!parsed.ok) return { ok: false, reason: 'bad-username' }
  const stored = await readHash(parsed.value.account)
  const given = Buffer.from(hashProxySecret(password), 'hex')
  const expected = Buffer.from(stored ?? '', 'hex')
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-credentials' }
  return { ok: true, route: parsed.value }
}
