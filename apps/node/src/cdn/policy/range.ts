/**
 * What to answer a Range request with (RFC 9110 §14):
 * - `full`: ignore Range, send 200 with the whole representation;
 * - `partial`: send 206 with bytes `start`..`end` inclusive;
 * - `unsatisfiable`: send 416 with `Content-Range: bytes *\/size`.
 */
export type RangeDecision =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' }

/** More range-specs than this is a broken client or an attack (RFC 9110 §14.2); ignore Range. */
const MAX_RANGE_SPECS = 64

const FULL = { kind: 'full' } as const
const UNSATISFIABLE = { kind: 'unsatisfiable' } as const

/**
 * Decides a Range header for a GET of a representation of `sizeBytes` (RFC 9110 §14.2;
 * the caller ignores Range for other methods: "GET is the only method for which range
 * handling is defined", and when If-Range fails, see `isIfRangeSatisfied`).
 *
 * - No header, a unit other than `bytes` (§14.2 "MUST ignore a Range header field that
 *   contains a range unit it does not understand"; units are case-insensitive, §14.1),
 *   or an invalid ranges-specifier (§14.2 "MAY ignore ... an invalid ranges-specifier";
 *   e.g. `bytes=abc`, and `bytes=5-2` since "an int-range is invalid if the last-pos
 *   value is present and less than the first-pos") → `full`.
 * - Satisfiable (§14.1.2): "an int-range with a first-pos that is less than the current
 *   length of the selected representation or a suffix-range with a non-zero
 *   suffix-length". last-pos beyond the end is clamped ("replaced with a value that is
 *   one less than the current length"), a suffix longer than the representation takes
 *   all of it. Huge numerals are compared exactly (§14.1.1: "recipients MUST anticipate
 *   potentially large decimal numerals").
 * - None satisfiable → `unsatisfiable` (§15.5.17 416).
 * - Several range-specs, at least one satisfiable → `full`: a server "MAY ignore the
 *   Range header field" (§14.2), and we never send multipart/byteranges.
 * - A zero-length representation: §14.1.2 "the only satisfiable form of range-spec in a
 *   GET request is a suffix-range with a non-zero suffix-length", but a 206 of nothing
 *   cannot be written as a Content-Range, so that case is `full` (§14.2: "MAY ignore a
 *   Range header field when the selected representation has no content"); every other
 *   range-spec is unsatisfiable.
 */
export function parseRange(rangeHeader: string | undefined, sizeBytes: number): RangeDecision {
  const set = parseRangeSet(rangeHeader, sizeBytes)
  if (set.kind !== 'ranges') return set.kind === 'full' ? FULL : UNSATISFIABLE
  const only = set.ranges[0]
  if (set.specCount > 1 || sizeBytes === 0 || only === undefined) return FULL
  return { kind: 'partial', start: only.start, end: only.end }
}

/** The satisfiable ranges of a Range header, in request order (see `parseRange` for the rules). */
export type RangeSet =
  | { readonly kind: 'full' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'ranges'; readonly specCount: number; readonly ranges: readonly { readonly start: number; readonly end: number }[] }

/** Parses a Range header into its satisfiable ranges (RFC 9110 §14.1.2, §14.2). */
export function parseRangeSet(rangeHeader: string | undefined, sizeBytes: number): RangeSet {
  if (rangeHeader === undefined) return FULL
  const specifier = /^\s*([!#$%&'*+\-.^_`|~0-9a-z]+)=(.*)$/is.exec(rangeHeader)
  const unit = specifier?.[1]
  const rangeSet = specifier?.[2]
  if (unit === undefined || rangeSet === undefined || unit.toLowerCase() !== 'bytes') return FULL
  const members = rangeSet.split(',').map((member) => member.trim())
  // range-set = 1#range-spec; empty list elements are tolerated (RFC 9110 §5.6.1).
  const specs = members.filter((member) => member !== '')
  if (specs.length === 0 || specs.length > MAX_RANGE_SPECS) return FULL

  const size = BigInt(sizeBytes)
  const satisfiable: { start: bigint; end: bigint }[] = []
  for (const spec of specs) {
    const match = /^(\d*)-(\d*)$/.exec(spec)
    const firstText = match?.[1]
    const lastText = match?.[2]
    if (firstText === undefined || lastText === undefined) return FULL
    if (firstText === '') {
      // suffix-range = "-" suffix-length
      if (lastText === '') return FULL
      const suffixLength = BigInt(lastText)
      if (suffixLength > 0n) satisfiable.push({ start: size > suffixLength ? size - suffixLength : 0n, end: size - 1n })
      continue
    }
    const first = BigInt(firstText)
    const last = lastText === '' ? undefined : BigInt(lastText)
    if (last !== undefined && last < first) return FULL
    if (first < size) satisfiable.push({ start: first, end: last === undefined || last >= size ? size - 1n : last })
  }
  if (satisfiable.length === 0) return UNSATISFIABLE
  return { kind: 'ranges', specCount: specs.length, ranges: satisfiable.map((range) => ({ start: Number(range.start), end: Number(range.end) })) }
}

/** `Content-Range` of a 206 (RFC 9110 §14.4): "bytes first-last/complete-length". */
export function formatContentRange(start: number, end: number, sizeBytes: number): string {
  return `bytes ${start}-${end}/${sizeBytes}`
}

/** `Content-Range` of a 416 (RFC 9110 §14.4 unsatisfied-range): "bytes *\/complete-length". */
export function formatUnsatisfiedContentRange(sizeBytes: number): string {
  return `bytes */${sizeBytes}`
}
