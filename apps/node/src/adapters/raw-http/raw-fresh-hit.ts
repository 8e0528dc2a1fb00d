import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { CacheContext } from '../http/cache-context.ts'
import type { EntryResponseTemplate, HitFields } from '../http/entry-response-template.ts'
import { findFreshMemoryHit } from '../http/fresh-hit-fast-path.ts'
import { httpDateText } from './http-date-text.ts'
import type { PlainRequest } from './plain-request-head.ts'

/** How the response is framed on the connection (what node:http adds after the fields). */
export interface RawHitFraming {
  /** `Connection: close` and the connection ends (RFC 9112 §9.6); else keep-alive. */
  readonly isClose: boolean
  /** The `Keep-Alive: timeout=N` node:http advertises: its keepAliveTimeout in whole seconds. */
  readonly keepAliveTimeoutSeconds: number
}

/**
 * Answers a plain request on a raw connection: the bytes of a hit, already counted
 * wherever the node counts served bytes, or undefined to hand the request to node:http.
 * `socket` is the client's (its peer address binds tickets).
 */
export type RawHitSource = (request: PlainRequest, framing: RawHitFraming, socket: Socket) => RawHitBytes | undefined

/** The standalone source: fresh hits of the one origin's context. */
export function rawFreshHitSource(context: CacheContext): RawHitSource {
  return (request, framing) => rawFreshHit(context, request.target, request.isHead, framing, Date.now())
}

/** The bytes of one hit: `head` (which includes the body when `body` is undefined), then `body`. */
export interface RawHitBytes {
  readonly head: Uint8Array
  readonly body: Uint8Array | undefined
  /** Body bytes handed to the socket, for `bytesServed` (0 for HEAD). */
  readonly bodyBytes: number
}

/** Bodies up to this size are copied into the per-second response buffer so the hit is one write; bigger ones are a second (corked) write. */
const MAX_COPIED_BODY_BYTES = 64 * 1024

interface WholeResponseMemo {
  readonly fields: HitFields
  readonly dateText: string
  readonly keepAliveTimeoutSeconds: number
  readonly bytes: Uint8Array
}

const wholeResponses = new WeakMap<EntryResponseTemplate, WholeResponseMemo>()

/**
 * The bytes node:http would send for a plain GET/HEAD that `serveFreshMemoryHit` answers
 * (same decision: a fresh, Vary-less, no-cache-less entry whose body is in the memory
 * tier), or undefined when the general path must decide. Only 200s are taken: node:http
 * frames 204/304 and friends specially, and they are not what hot small objects are.
 * Counts the hit (and its body bytes) in the metrics, as the node:http path does.
 */
export function rawFreshHit(context: CacheContext, target: string, isHead: boolean, framing: RawHitFraming, wallClockMs: number): RawHitBytes | undefined {
  const hit = findFreshMemoryHit(context, target, isHead)
  if (hit === undefined || hit.entry.response.status !== 200) return undefined
  const { entry, template, fields, body } = hit
  const dateText = httpDateText(wallClockMs)
  context.metrics.hits.inc()
  if (body === undefined) return { head: headBytes(template, fields, dateText, framing), body: undefined, bodyBytes: 0 }
  context.metrics.bytesServed.inc(entry.response.sizeBytes)
  if (framing.isClose || body.length > MAX_COPIED_BODY_BYTES) return { head: headBytes(template, fields, dateText, framing), body, bodyBytes: body.length }
  // The common case: a keep-alive GET of a small object; one buffer per entry and second.
  const memo = wholeResponses.get(template)
  if (memo !== undefined && memo.fields === fields && memo.dateText === dateText && memo.keepAliveTimeoutSeconds === framing.keepAliveTimeoutSeconds) return { head: memo.bytes, body: undefined, bodyBytes: body.length }
  const bytes = Buffer.concat([headBytes(template, fields, dateText, framing), body])
  wholeResponses.set(template, { fields, dateText, keepAliveTimeoutSeconds: framing.keepAliveTimeoutSeconds, bytes })
  return { head: bytes, body: undefined, bodyBytes: body.length }
}

/**
 * The status line and fields exactly as `res.writeHead(200, wholeBodyHeaders)` makes
 * node:http write them: the fields in order as `name: value`, then the `Date` it adds
 * when the stored response has none, then its connection framing; latin1, as node:http
 * encodes heads.
 */
function headBytes(template: EntryResponseTemplate, fields: HitFields, dateText: string, framing: RawHitFraming): Buffer {
  const headers = template.wholeBodyHeaders
  let text = `HTTP/1.1 200 ${STATUS_CODES[200] ?? 'OK'}\r\n`
  let hasDate = false
  for (let index = 0; index + 1 < headers.length; index += 2) {
    const name = headers[index] ?? ''
    const value = index + 1 === template.ageValueIndex ? fields.age : index + 1 === template.cacheStatusValueIndex ? fields.cacheStatus : (headers[index + 1] ?? '')
    if (name.length === 4 && name.toLowerCase() === 'date') hasDate = true
    text += `${name}: ${value}\r\n`
  }
  if (!hasDate) text += `Date: ${dateText}\r\n`
  text += framing.isClose ? 'Connection: close\r\n\r\n' : `Connection: keep-alive\r\nKeep-Alive: timeout=${framing.keepAliveTimeoutSeconds}\r\n\r\n`
  return Buffer.from(text, 'latin1')
}
