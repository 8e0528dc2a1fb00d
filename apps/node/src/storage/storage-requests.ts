import { randomBytes } from 'node:crypto'
import { signStorageMessage, STORAGE_SEGMENT_HEADER } from '@meson/protocol'
import type { NodeIdentity } from '../identity/node-identity.ts'
import { coordinatorEndpointUrl } from '../link/coordinator-endpoints.ts'
import { coordinatorErrorOf, requestCoordinator } from '../link/coordinator-http.ts'
import type { CoordinatorReply } from '../link/coordinator-http.ts'
import type { FetchFunction } from '../link/link-runtime.ts'
import { readBoundedText } from '@meson/protocol'

/** Time for one fill answer, headers to last byte (segments can be large). */
export const FILL_TIMEOUT_MS = 300_000

/** What a fill request came to. */
export type FillReply =
  | { readonly kind: 'segment'; readonly segment: number; readonly declaredBytes: number | undefined; readonly body: AsyncIterable<Uint8Array>; cancel(): Promise<void> }
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string }
  | { readonly kind: 'unreachable'; readonly reason: string }

/** The node's three storage requests to the coordinator, each a signed 'storage' envelope. */
export class StorageRequests {
  readonly #coordinatorUrl: URL
  readonly #identity: NodeIdentity
  readonly #fetch: FetchFunction
  readonly #nowMs: () => number

  constructor(parameters: { readonly coordinatorUrl: URL; readonly identity: NodeIdentity; readonly fetch?: FetchFunction; readonly nowMs: () => number }) {
    this.#coordinatorUrl = parameters.coordinatorUrl
    this.#identity = parameters.identity
    this.#fetch = parameters.fetch ?? ((url, init) => fetch(url, init))
    this.#nowMs = parameters.nowMs
  }

  /** `POST /v1/nodes/storage/fill`: 200 with the segment's bytes (streamed, not read here), or 204. `signal` aborts the request and its body. */
  async fill(maxBytes: number, signal?: AbortSignal): Promise<FillReply> {
    const envelope = signStorageMessage(this.#identity.privateKey, { action: 'fill', nodeId: this.#identity.nodeId, requestId: randomBytes(16).toString('base64url'), issuedAt: this.#nowMs(), maxBytes })
    let response: Response
    try {
      response = await this.#fetch(coordinatorEndpointUrl(this.#coordinatorUrl, 'storageFill'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/octet-stream, application/json' },
        body: JSON.stringify(envelope),
        signal: signal === undefined ? AbortSignal.timeout(FILL_TIMEOUT_MS) : AbortSignal.any([AbortSignal.timeout(FILL_TIMEOUT_MS), signal]),
        redirect: 'error',
      })
    } catch (error) {
      return { kind: 'unreachable', reason: failureReason(error) }
    }
    if (response.status === 204) {
      await response.body?.cancel()
      return { kind: 'none' }
    }
    if (response.status !== 200) {
      const text = await readBoundedText(response, 64 * 1024).catch(() => undefined)
      const error = coordinatorErrorOf(parseJson(text))
      return { kind: 'refused', status: response.status, reason: error === undefined ? `HTTP ${response.status}` : `HTTP ${response.status} ${error.code}: ${error.message}` }
    }
    const segment = parseCount(response.headers.get(STORAGE_SEGMENT_HEADER))
    const length = response.headers.get('content-length')
    const body = response.body
    if (segment === undefined || body === null) {
      await body?.cancel()
      return { kind: 'refused', status: 200, reason: `a fill answer without a ${STORAGE_SEGMENT_HEADER} header or body` }
    }
    return { kind: 'segment', segment, declaredBytes: length === null ? undefined : parseCount(length), body, cancel: () => body.cancel().catch(() => undefined) }
  }

  /** `POST /v1/nodes/storage/confirm`. */
  confirm(segment: number, sha256: string): Promise<CoordinatorReply> {
    const envelope = signStorageMessage(this.#identity.privateKey, { action: 'confirm', nodeId: this.#identity.nodeId, issuedAt: this.#nowMs(), segment, sha256 })
    return requestCoordinator(this.#fetch, { method: 'POST', url: coordinatorEndpointUrl(this.#coordinatorUrl, 'storageConfirm'), body: envelope })
  }

  /** `POST /v1/nodes/storage/release` (at most 10 000 segments per call). */
  release(segments: readonly number[]): Promise<CoordinatorReply> {
    const envelope = signStorageMessage(this.#identity.privateKey, { action: 'release', nodeId: this.#identity.nodeId, issuedAt: this.#nowMs(), segments: [...segments] })
    return requestCoordinator(this.#fetch, { method: 'POST', url: coordinatorEndpointUrl(this.#coordinatorUrl, 'storageRelease'), body: envelope })
  }
}

/** "HTTP 409 CODE: message" or the network reason, without secrets. */
export function describeCoordinatorReply(reply: CoordinatorReply): string {
  if (reply.kind === 'unreachable') return reply.reason
  const error = coordinatorErrorOf(reply.body)
  return error === undefined ? `HTTP ${reply.status}` : `HTTP ${reply.status} ${error.code}: ${error.message}`
}

function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed'
  if (error.name === 'TimeoutError') return 'timed out'
  const cause: unknown = error.cause
  return cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : error.message
}

function parseCount(text: string | null): number | undefined {
  if (text === null || !/^\d{1,15}$/.test(text)) return undefined
  return Number(text)
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
