/**
 * The one error base of the project. Callers match on `code` (stable, SCREAMING_SNAKE),
 * never on the message. `shortMessage` is a sentence a person can act on; `details`
 * adds context; `cause` keeps the underlying error.
 */
export class BaseError extends Error {
  override readonly name: string = 'MesonError'
  readonly code: string
  readonly shortMessage: string
  readonly details: string | undefined

  constructor(code: string, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details === undefined ? shortMessage : `${shortMessage}\n\nDetails: ${options.details}`, {
      cause: options.cause,
    })
    this.code = code
    this.shortMessage = shortMessage
    this.details = options.details
  }
}

/** Narrows an unknown value to a BaseError carrying the given code. */
export function isErrorWithCode(error: unknown, code: string): error is BaseError {
  return error instanceof BaseError && error.code === code
}
