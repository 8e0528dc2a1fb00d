import { readBoundedText } from '@meson/protocol'
import { z } from 'zod'
import type { FetchFunction } from './link-runtime.ts'

/** Default time for one request to the coordinator, connect to last byte. */
export const DEFAULT_COORDINATOR_TIMEOUT_MS = 10_000
/** Largest response body read; the coordinator's answers are small JSON. */
export const MAX_COORDINATOR_RESPONSE_BYTES = 1024 * 1024

/** What one request to the coordinator came to. */
export type CoordinatorReply =
  | { readonly kind: 'response'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'unreachable'; readonly reason: string }

/** The coordinator's error body `{ "error": { "code", "message" } }` (STYLE.md). */
const coordinatorErrorSchema = z.object({ error: z.object({ code: z.string().max(100), message: z.string().max(2000) }) })

export interface CoordinatorErrorBody {
  readonly code: string
  readonly message: string
}

export interface CoordinatorRequest {
  readonly method: 'GET' | 'POST'
  readonly url: URL
  /** Sent as JSON. */
  readonly body?: unknown
  /** Sent as `Authorization: Bearer …`; never logged. */
  readonly bearerToken?: string
  readonly timeoutMs?: number
}

/**
 * Sends one request and reads its JSON answer. Never throws: a network error, a
 * timeout, an oversized or non-JSON body are `unreachable` (the caller retries); any
 * HTTP status is a `response` whose body is the parsed JSON or undefined.
 */
export async function requestCoordinator(fetchFunction: FetchFunction, request: CoordinatorRequest): Promise<CoordinatorReply> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (request.body !== undefined) headers['content-type'] = 'application/json'
  if (request.bearerToken !== undefined) headers.authorization = `Bearer ${request.bearerToken}`
  const init: RequestInit = {
    method: request.method,
    headers,
    signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_COORDINATOR_TIMEOUT_MS),
    redirect: 'error',
  }
  if (request.body !== undefined) init.body = JSON.stringify(request.body)
  try {
    const response = await fetchFunction(request.url, init)
    const text = await readBoundedText(response, MAX_COORDINATOR_RESPONSE_BYTES)
    if (text === undefined) return { kind: 'unreachable', reason: `response body above ${MAX_COORDINATOR_RESPONSE_BYTES} bytes` }
    return { kind: 'response', status: response.status, body: parseJsonOrUndefined(text) }
  } catch (error) {
    return { kind: 'unreachable', reason: describeFailure(error) }
  }
}

/** The coordinator's `{ error: { code, message } }`, if the body is one. */
export function coordinatorErrorOf(body: unknown): CoordinatorErrorBody | undefined {
  const parsed = coordinatorErrorSchema.safeParse(body)
  return parsed.success ? parsed.data.error : undefined
}

/** True for statuses worth retrying: timeouts, rate limits and server-side failures. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

function parseJsonOrUndefined(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed'
  if (error.name === 'TimeoutError') return 'timed out'
  // undici puts the socket error (ECONNREFUSED …) in `cause`; it names no secrets.
  const cause: unknown = error.cause
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code
  return error.message
}
