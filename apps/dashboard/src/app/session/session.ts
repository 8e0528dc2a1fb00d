import type { AccountJson } from '../api/api-types.ts'

/** A signed-in person: the token and what `/v1/me` said about its account. */
export interface Session {
  readonly token: string
  readonly account: AccountJson
}

/** Session storage: the token lives as long as the tab, never in localStorage or a cookie. */
const STORAGE_KEY = 'meson.session'

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null || !('token' in value) || !('account' in value)) return false
  const { token, account } = value
  return typeof token === 'string' && typeof account === 'object' && account !== null && 'role' in account && (account.role === 'buyer' || account.role === 'operator')
}

export function loadSession(storage: Storage): Session | undefined {
  const text = storage.getItem(STORAGE_KEY)
  if (text === null) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return isSession(value) ? value : undefined
  } catch {
    return undefined
  }
}

export function saveSession(storage: Storage, session: Session): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(session))
}

export function clearSession(storage: Storage): void {
  storage.removeItem(STORAGE_KEY)
}
