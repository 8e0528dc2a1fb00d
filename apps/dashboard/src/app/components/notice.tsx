import { ApiFailure, describeFailure } from '../api/api-failure.ts'

/** A failure as one readable sentence: an alert for errors, a quiet note for "not available yet". */
export function Notice({ failure }: { readonly failure: unknown }) {
  if (failure === undefined || failure === null) return null
  const isPending = failure instanceof ApiFailure && failure.kind === 'not-available'
  const kind = failure instanceof ApiFailure ? failure.kind : 'client'
  return (
    <p class={isPending ? 'notice notice-pending' : 'notice notice-error'} role={isPending ? 'status' : 'alert'} data-failure={kind}>
      {describeFailure(failure)}
    </p>
  )
}

/** Whether a failure means "this coordinator does not have the endpoint yet". */
export function isNotAvailable(failure: unknown): boolean {
  return failure instanceof ApiFailure && failure.kind === 'not-available'
}
