import type { Account } from '../../store/store.ts'

/** Who sent a request, as established by its bearer token. */
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'admin' }
  | { readonly kind: 'account'; readonly account: Account }

/** What a route demands of its caller. `account` is any buyer or operator. */
export type AuthRequirement = 'none' | 'admin' | 'account' | 'buyer' | 'operator'
