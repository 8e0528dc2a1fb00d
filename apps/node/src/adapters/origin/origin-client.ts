import { Agent, request as httpRequest } from 'node:http'
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { OriginError } from './origin-error.ts'

/** One request to the origin. */
export interface OriginRequest {
  readonly method: string
  /** Path and query, as received (never re-encoded). */
  readonly path: string
  readonly headers: OutgoingHttpHeaders
  /** Request body for unsafe methods; absent for GET/HEAD. */
  readonly body?: Readable
}

/** Talks to one origin over keep-alive connections, with connect/response/idle timeouts. */
export interface OriginClient {
  /**
   * Sends a request; resolves with the response once its headers arrived. The body
   * stream errors with an `OriginError` if the origin stalls or drops mid-body.
   * Rejects with an `OriginError`.
   */
  request(request: OriginRequest): Promise<IncomingMessage>
  /** Closes idle connections and refuses new ones. */
  close(): void
}

export interface OriginClientOptions {
  readonly originUrl: URL
  readonly connectTimeoutMs: number
  readonly responseTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly maxSockets: number
}

/** Creates the client for one origin, with its own bounded keep-alive agent. */
export function createOriginClient(options: OriginClientOptions): OriginClient {
  const isHttps = options.originUrl.protocol === 'https:'
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets,
    maxFreeSockets: Math.min(options.maxSockets, 256),
    // LIFO keeps a few sockets hot and lets the rest time out when load drops.
    scheduling: 'lifo' as const,
    timeout: options.idleTimeoutMs,
  }
  const agent = isHttps ? new HttpsAgent(agentOptions) : new Agent(agentOptions)
  const send = isHttps ? httpsRequest : httpRequest
  const hostname = options.originUrl.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = options.originUrl.port === '' ? (isHttps ? 443 : 80) : Number(options.originUrl.port)
  const basePath = options.originUrl.pathname.replace(/\/$/, '')

  function attempt(originRequest: OriginRequest, isRetry: boolean): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const clientRequest = send({
        agent,
        hostname,
        port,
        method: originRequest.method,
        path: basePath + originRequest.path,
        headers: originRequest.headers,
        // The body's own idle time is watched below; this covers every phase.
        timeout: options.idleTimeoutMs,
      })
      let hasResponse = false
      const responseTimer = setTimeout(() => {
        clientRequest.destroy(new OriginError('ORIGIN_TIMEOUT', `The origin sent no response headers within ${options.responseTimeoutMs} ms.`))
      }, options.responseTimeoutMs)

      clientRequest.on('socket', (socket) => {
        if (!socket.connecting) return
        const connectTimer = setTimeout(() => {
          clientRequest.destroy(new OriginError('ORIGIN_TIMEOUT', `Could not connect to the origin within ${options.connectTimeoutMs} ms.`))
        }, options.connectTimeoutMs)
        socket.once('connect', () => clearTimeout(connectTimer))
        socket.once('close', () => clearTimeout(connectTimer))
      })
      clientRequest.on('timeout', () => {
        clientRequest.destroy(new OriginError('ORIGIN_TIMEOUT', `The origin was silent for ${options.idleTimeoutMs} ms.`))
      })
      clientRequest.on('response', (response) => {
        hasResponse = true
        clearTimeout(responseTimer)
        // A drop mid-body surfaces as an error on the body stream, never as a clean end.
        response.on('aborted', () => response.destroy(new OriginError('ORIGIN_RESET', 'The origin closed the connection mid-response.')))
        resolve(response)
      })
      clientRequest.on('error', (error) => {
        clearTimeout(responseTimer)
        if (hasResponse) return
        const originError = toOriginError(error)
        // A kept-alive socket the origin closed meanwhile fails at first write; one
        // retry on a fresh socket is safe for idempotent methods (RFC 9110 §9.2.2).
        if (!isRetry && clientRequest.reusedSocket && originError.code === 'ORIGIN_RESET' && isIdempotent(originRequest.method) && originRequest.body === undefined) {
          attempt(originRequest, true).then(resolve, reject)
          return
        }
        reject(originError)
      })
      if (originRequest.body === undefined) {
        clientRequest.end()
      } else {
        originRequest.body.pipe(clientRequest)
        originRequest.body.on('error', (error) => clientRequest.destroy(error))
      }
    })
  }

  return {
    request: (originRequest) => attempt(originRequest, false),
    close: () => agent.destroy(),
  }
}

function isIdempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
}

function toOriginError(error: unknown): OriginError {
  if (error instanceof OriginError) return error
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : ''
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN') {
    return new OriginError('ORIGIN_UNREACHABLE', 'The origin cannot be reached.', { cause: error })
  }
  if (code === 'ETIMEDOUT') return new OriginError('ORIGIN_TIMEOUT', 'The origin timed out.', { cause: error })
  if (code.startsWith('HPE_')) return new OriginError('ORIGIN_BAD_RESPONSE', 'The origin sent a malformed HTTP response.', { cause: error })
  return new OriginError('ORIGIN_RESET', 'The origin closed the connection before answering.', { cause: error })
}
