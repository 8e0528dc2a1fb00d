import type { HeaderMap } from './header-map.ts'
import { parseRange } from './range.ts'

/**
 * A stored partial response (RFC 9111 §3.4): its body holds bytes `start`..`end`
 * (inclusive) of a representation of `completeLength` bytes (undefined: `*`, unknown).
 */
export interface StoredPart {
  readonly start: number
  readonly end: number
  readonly completeLength: number | undefined
}

/** The part of a stored partial a request asks for: bytes `start`..`end` of the representation. */
export interface CoveredRange {
  readonly start: number
  readonly end: number
  /** Where `start` is in the stored body. */
  readonly bodyOffset: number
  readonly completeLength: number | undefined
}

/** Bigger numbers than this are not byte offsets a store holds; refusing them keeps Number exact. */
const MAX_OFFSET = Number.MAX_SAFE_INTEGER

/**
 * `Content-Range: bytes first-last/complete-length|*` (RFC 9110 §14.4), a satisfied
 * range only: "A Content-Range field value is invalid if it contains a range-resp that
 * has a last-pos value less than its first-pos value, or a complete-length value less
 * than or equal to its last-pos value". Anything else is undefined.
 */
export function parseContentRange(fieldValue: string | undefined): StoredPart | undefined {
  if (fieldValue === undefined) return undefined
  const match = /^bytes[ \t]+(\d{1,16})-(\d{1,16})\/(\d{1,16}|\*)$/i.exec(fieldValue.trim())
  if (match === null) return undefined
  const start = Number(match[1])
  const end = Number(match[2])
  const completeLength = match[3] === '*' ? undefined : Number(match[3])
  if (end < start || end > MAX_OFFSET) return undefined
  if (completeLength !== undefined && completeLength <= end) return undefined
  return { start, end, completeLength }
}

/**
 * The part a 206 may be stored as (RFC 9111 §3.4: a cache that "supports the Range and
 * Content-Range header fields" MAY store incomplete responses), or undefined: one
 * valid Content-Range (a `multipart/byteranges` body is not one part) whose length
 * agrees with Content-Length when that is given (RFC 9110 §14.4: a body that disagrees
 * with its Content-Range is broken; storing it would serve wrong bytes later).
 */
export function storablePartOf(headers: HeaderMap): StoredPart | undefined {
  if (/^\s*multipart\/byteranges\b/i.test(headers['content-type'] ?? '')) return undefined
  const part = parseContentRange(headers['content-range'])
  if (part === undefined) return undefined
  const declared = headers['content-length']
  if (declared !== undefined && declared.trim() !== String(part.end - part.start + 1)) return undefined
  return part
}

/**
 * Whether a stored part answers a request's Range (RFC 9111 §3.4 "Storing Incomplete
 * Responses" / RFC 9110 §14.2), and which bytes: only a single range, entirely inside
 * the part. Suffix and open ranges (`-5`, `6-`) need the complete length; without it
 * (`/*`) only a closed range can be known to be covered.
 */
export function coveredRangeOf(rangeHeader: string | undefined, part: StoredPart): CoveredRange | undefined {
  if (rangeHeader === undefined) return undefined
  let start: number
  let end: number
  if (part.completeLength === undefined) {
    const closed = /^bytes=(\d{1,16})-(\d{1,16})$/i.exec(rangeHeader.trim())
    if (closed === null) return undefined
    start = Number(closed[1])
    end = Number(closed[2])
    if (end < start) return undefined
  } else {
    const decision = parseRange(rangeHeader, part.completeLength)
    if (decision.kind !== 'partial') return undefined
    start = decision.start
    end = decision.end
  }
  if (start < part.start || end > part.end) return undefined
  return { start, end, bodyOffset: start - part.start, completeLength: part.completeLength }
}

/** Largest object a Range miss fetches whole once a stored part has told its length. */
export const WHOLE_FILL_MAX_BYTES = 1024 * 1024

/**
 * How a Range miss asks the origin (RFC 9110 §14.2; RFC 9111 §3.4):
 * - `forward-range`: send the client's single Range as it is; a 206 is stored as a part,
 *   a 200 (the origin ignored it) is stored whole and the client's range cut from it;
 * - `whole`: one request without Range, stored whole (the round-one behaviour), when the
 *   Range is several ranges or depends on If-Range (this hop answers those from the
 *   whole), or a stored part says the whole object is small: one request then fills
 *   every later range instead of one origin trip per range.
 */
export function decideRangeMiss(parameters: { readonly rangeHeader: string; readonly ifRange: string | undefined; readonly storedPart: StoredPart | undefined }): 'forward-range' | 'whole' {
  const { rangeHeader, ifRange, storedPart } = parameters
  if (ifRange !== undefined) return 'whole'
  if (!/^bytes=(\d{1,16}-\d{0,16}|-\d{1,16})$/i.test(rangeHeader.trim())) return 'whole'
  const knownLength = storedPart?.completeLength
  if (knownLength !== undefined && knownLength <= WHOLE_FILL_MAX_BYTES) return 'whole'
  return 'forward-range'
}

/** `Content-Range` of bytes `start`..`end` of a part whose complete length may be unknown (RFC 9110 §14.4). */
export function formatPartContentRange(start: number, end: number, completeLength: number | undefined): string {
  return `bytes ${start}-${end}/${completeLength === undefined ? '*' : completeLength}`
}

/** How a new part and a stored part make one (RFC 9111 §3.4), as body offsets into the stored part. */
export interface PartCombination {
  readonly union: StoredPart
  /** Stored bytes that go before the new body, if the stored part starts earlier. */
  readonly prefix: { readonly start: number; readonly end: number } | undefined
  /** Stored bytes that go after the new body, if the stored part ends later. */
  readonly suffix: { readonly start: number; readonly end: number } | undefined
}

/**
 * Whether a new 206 may be combined with a stored one (RFC 9111 §3.4 "Combining Partial
 * Content": "A cache MUST NOT combine ... unless both have the same strong validator";
 * a weak validator, none, or two different ones never combine), and how. Both parts
 * must name the same known complete length and touch or overlap: a gap would leave a
 * part that is not one range.
 */
export function planPartCombination(stored: { readonly part: StoredPart; readonly headers: HeaderMap }, incoming: { readonly part: StoredPart; readonly headers: HeaderMap }): PartCombination | undefined {
  const storedTag = stored.headers['etag']?.trim()
  const incomingTag = incoming.headers['etag']?.trim()
  if (storedTag === undefined || incomingTag === undefined || storedTag !== incomingTag) return undefined
  if (!/^"[^"]*"$/.test(storedTag)) return undefined
  const a = stored.part
  const b = incoming.part
  if (a.completeLength === undefined || a.completeLength !== b.completeLength) return undefined
  if (b.start > a.end + 1 || a.start > b.end + 1) return undefined
  const union: StoredPart = { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end), completeLength: a.completeLength }
  if (union.start === b.start && union.end === b.end) return undefined
  return {
    union,
    prefix: a.start < b.start ? { start: 0, end: b.start - a.start - 1 } : undefined,
    suffix: a.end > b.end ? { start: b.end + 1 - a.start, end: a.end - a.start } : undefined,
  }
}
