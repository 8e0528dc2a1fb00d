import { ApiError } from './api-error.ts'
import type { AdminSecret } from '../../accounts/admin-secret.ts'
import { API_TOKEN_PATTERN, hashApiToken } from '../../accounts/api-token.ts'
import type { Account } from '../../store/store.ts'
import type { AuthRequirement, Caller } from './caller.ts'

export interface AuthenticateDependencies {
  readonly adminSecret: AdminSecret
  readonly findAccountByTokenHash: (tokenHashHex: string) => Promise<Account | undefined>
}

/** RFC 6750 §2.1: `Bearer` (case-insensitive scheme, RFC 9110 §11.1) then a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

/** The bearer token of an Authorization header, or undefined when there is none. */
export function readBearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined
  const match = BEARER.exec(header)
  if (match?.[1] === undefined) throw new ApiError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"')
  return match[1]
}

async function findAccount(token: string, dependencies: AuthenticateDependencies): Promise<Account | undefined> {
  // A token that cannot be ours never costs a database round trip.
  if (!API_TOKEN_PATTERN.test(token)) return undefined
  return dependencies.findAccountByTokenHash(hashApiToken(token))
}

/**
 * Establishes the caller of a request and enforces the route's requirement:
 * no token → 401, unknown token → 401, a valid token of the wrong kind → 403.
 */
export async function authenticate(header: string | undefined, requirement: AuthRequirement, dependencies: AuthenticateDependencies): Promise<Caller> {
  if (requirement === 'none') return { kind: 'anonymous' }
  const token = readBearerToken(header)
  if (token === undefined) throw new ApiError('UNAUTHENTICATED', 'send an API token as "Authorization: Bearer <token>"')

  if (requirement === 'admin') {
    if (dependencies.adminSecret.matches(token)) return { kind: 'admin' }
    if ((await findAccount(token, dependencies)) !== undefined) throw new ApiError('FORBIDDEN', 'this route needs the admin token')
    throw new ApiError('UNAUTHENTICATED', 'the token is not valid')
  }

  const account = await findAccount(token, dependencies)
  if (account === undefined) {
    if (dependencies.adminSecret.matches(token)) throw new ApiError('FORBIDDEN', 'the admin token cannot act as an account; use an account token')
    throw new ApiError('UNAUTHENTICATED', 'the token is not valid')
  }
  if (requirement !== 'account' && account.role !== requirement) {
    throw new ApiError('FORBIDDEN', `this route is for ${requirement} accounts`)
  }
  return { kind: 'account', account }
}
