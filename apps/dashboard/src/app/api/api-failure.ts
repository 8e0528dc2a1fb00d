/**
 * Why a call to the coordinator failed, in the terms a view explains to a person:
 * - `unauthorized`: 401, the token is wrong, revoked or the session is over;
 * - `forbidden`: 403, this account's role may not do it;
 * - `not-available`: 404 `NOT_FOUND` for the route itself (an older coordinator);
 * - `refused`: any other 4xx, with the coordinator's code and message;
 * - `server`: 5xx;
 * - `unreachable`: no HTTP answer at all (stopped, network down, timeout).
 */
export type ApiFailureKind = 'unauthorized' | 'forbidden' | 'not-available' | 'refused' | 'server' | 'unreachable'

/** A failed call; `code` is the API's stable error code when it sent one. */
export class ApiFailure extends Error {
  readonly kind: ApiFailureKind
  readonly status: number
  readonly code: string
  readonly operation: string

  constructor(init: { kind: ApiFailureKind; status: number; code: string; message: string; operation: string; cause?: unknown }) {
    super(init.message, init.cause === undefined ? {} : { cause: init.cause })
    this.name = 'ApiFailure'
    this.kind = init.kind
    this.status = init.status
    this.code = init.code
    this.operation = init.operation
  }
}

/** The failure kind of an HTTP answer that was not a success. */
export function classifyFailure(status: number, code: string): ApiFailureKind {
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404 && code === 'NOT_FOUND') return 'not-available'
  if (status >= 500) return 'server'
  return 'refused'
}

/** One sentence a person can act on. */
export function describeFailure(failure: unknown): string {
  if (!(failure instanceof ApiFailure)) return `Something went wrong in the dashboard: ${failure instanceof Error ? failure.message : String(failure)}`
  switch (failure.kind) {
    case 'unauthorized':
      return 'The coordinator did not accept this token (401). It may be mistyped, revoked, or your session has expired: sign in again.'
    case 'forbidden':
      return `This account may not do that (403 ${failure.code}): ${failure.message}`
    case 'not-available':
      return `Not available on this coordinator yet: it has no ${failure.operation} endpoint. It appears once the coordinator is updated.`
    case 'refused':
      return `The coordinator refused: ${failure.message} (${failure.status} ${failure.code}).`
    case 'server':
      return `The coordinator had an error (${failure.status} ${failure.code}): ${failure.message}. Try again in a moment.`
    case 'unreachable':
      return 'Cannot reach the coordinator: it may have stopped or the network is down. Retrying automatically.'
  }
}
