import { formatContentRange } from './range.ts'

/** One part of a `multipart/byteranges` body: its delimiter and fields, then the bytes `start`..`end`. */
export interface MultipartPart {
  readonly head: string
  readonly start: number
  readonly end: number
}

/** A whole `multipart/byteranges` answer (RFC 9110 §14.6), planned before any byte is read. */
export interface MultipartPlan {
  readonly contentType: string
  readonly parts: readonly MultipartPart[]
  /** The close delimiter after the last part. */
  readonly tail: string
  readonly contentLength: number
}

/** More parts than this after coalescing: the whole representation is cheaper and safer (RFC 9110 §14.2 "MAY ignore"). */
export const MAX_MULTIPART_RANGES = 16

/**
 * Plans a 206 `multipart/byteranges` for several satisfiable ranges (RFC 9110 §14.6).
 * Overlapping or adjacent ranges are coalesced ("a server MAY coalesce any of the
 * ranges that overlap"), which also defeats overlapping-range amplification. Returns
 * undefined when fewer than two parts remain (the caller answers a single-part 206) or
 * more than `MAX_MULTIPART_RANGES` (the caller answers 200). `boundary` comes from the
 * caller (randomness is I/O).
 */
export function planMultipartByteranges(
  ranges: readonly { readonly start: number; readonly end: number }[],
  sizeBytes: number,
  partContentType: string | undefined,
  boundary: string,
): MultipartPlan | undefined {
  const sorted = [...ranges].sort((a, b) => a.start - b.start)
  const overlaps = sorted.some((range, index) => index > 0 && range.start <= (sorted[index - 1]?.end ?? -2) + 1)
  const planned = overlaps ? coalesce(sorted) : [...ranges]
  if (planned.length < 2 || planned.length > MAX_MULTIPART_RANGES) return undefined
  const typeLine = partContentType === undefined ? '' : `Content-Type: ${partContentType}\r\n`
  let contentLength = 0
  const parts = planned.map((range, index) => {
    const head = `${index === 0 ? '' : '\r\n'}--${boundary}\r\n${typeLine}Content-Range: ${formatContentRange(range.start, range.end, sizeBytes)}\r\n\r\n`
    contentLength += Buffer.byteLength(head) + range.end - range.start + 1
    return { head, start: range.start, end: range.end }
  })
  const tail = `\r\n--${boundary}--\r\n`
  contentLength += Buffer.byteLength(tail)
  return { contentType: `multipart/byteranges; boundary=${boundary}`, parts, tail, contentLength }
}

function coalesce(sorted: readonly { readonly start: number; readonly end: number }[]): { start: number; end: number }[] {
  const merged: { start: number; end: number }[] = []
  for (const range of sorted) {
    const last = merged.at(-1)
    if (last !== undefined && range.start <= last.end + 1) last.end = Math.max(last.end, range.end)
    else merged.push({ start: range.start, end: range.end })
  }
  return merged
}
