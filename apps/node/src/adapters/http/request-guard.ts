import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendErrorResponse } from './error-response.ts'

/** A request handler: answers itself, synchronously or by a promise. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** Learns of a throw no handler caught (one log line; never the stack to the client). */
export type UnexpectedErrorReporter = (error: unknown) => void

/**
 * The one top-level guard of a server: whatever a handler throws or rejects with
 * becomes a 500 `{ "error": { "code": "INTERNAL" } }` without a stack trace (or an
 * aborted response when the head already went out), and one report for the log. A
 * request can never take the process down.
 */
export function guardRequests(handler: RequestHandler, report: UnexpectedErrorReporter): (req: IncomingMessage, res: ServerResponse) => void {
  const fail = (res: ServerResponse, error: unknown): void => {
    try {
      report(error)
    } catch {
      // A failing logger must not turn one bad request into a crash.
    }
    if (!res.writableEnded) sendErrorResponse(res, 'INTERNAL', 'Internal error.')
  }
  return (req, res) => {
    try {
      const result = handler(req, res)
      if (result !== undefined) result.catch((error: unknown) => fail(res, error))
    } catch (error) {
      fail(res, error)
    }
  }
}

/** The log line of an unexpected throw: its code and class, never its message or stack (they may hold request data). */
export function describeUnexpectedError(error: unknown): { readonly code: string; readonly errorClass: string } {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'UNKNOWN'
  const errorClass = error instanceof Error ? error.name : typeof error
  return { code, errorClass }
}
