import { MAX_MULTIPART_RANGES, planMultipartByteranges } from '../cdn/policy/multipart-byteranges.ts'
import type { MultipartPlan } from '../cdn/policy/multipart-byteranges.ts'
import { parseRangeSet } from '../cdn/policy/range.ts'

/** How a deserialized file (or block) answers a `Range` request. */
export type FileRangeAnswer =
  | { readonly kind: 'full' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'single'; readonly start: number; readonly end: number }
  | { readonly kind: 'multipart'; readonly plan: MultipartPlan }

/**
 * Plans the answer to `Range` for content of `sizeBytes` (path gateway spec, "Range";
 * RFC 9110 §14): one range is a single-part 206; several are a `multipart/byteranges`
 * 206 (conformance `TestGatewayUnixFSFileRanges` accepts that or the first range, not a
 * 200); ranges that coalesce into one are that one; beyond `MAX_MULTIPART_RANGES` the
 * whole content (a server "MAY ignore" Range). `boundary` comes from the caller.
 */
export function planFileRanges(rangeHeader: string | undefined, sizeBytes: number, contentType: string, boundary: string): FileRangeAnswer {
  const set = parseRangeSet(rangeHeader, sizeBytes)
  if (set.kind !== 'ranges') return set
  const [first] = set.ranges
  if (first === undefined || sizeBytes === 0) return { kind: 'full' }
  if (set.ranges.length === 1) return { kind: 'single', start: first.start, end: first.end }
  if (set.ranges.length > MAX_MULTIPART_RANGES) return { kind: 'full' }
  const plan = planMultipartByteranges(set.ranges, sizeBytes, contentType, boundary)
  if (plan !== undefined) return { kind: 'multipart', plan }
  // Fewer than two parts after coalescing: the ranges overlap into one span.
  return { kind: 'single', start: Math.min(...set.ranges.map((range) => range.start)), end: Math.max(...set.ranges.map((range) => range.end)) }
}
