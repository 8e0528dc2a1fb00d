/** The longest path a ticket may carry (`ticketPathSchema`'s `max`). */
const MAX_PATH_LENGTH = 2048
const SLASH = 0x2f
const DOT = 0x2e
const PERCENT = 0x25
const BACKSLASH = 0x5c

/**
 * True if the redirector may put `path` in a ticket: exactly
 * `ticketPathSchema.safeParse(path).success && isPathCovered({ path, prefix: false }, path)`
 * (a "/" then at most 2047 printable ASCII characters, no backslash, no `.` or `..`
 * segment, also when spelled with `%2e`), which a node checks the same way, so a client
 * is never sent to a node that refuses the ticket. One pass over the characters with no
 * allocation: the redirector runs it on every request (ADR 0016, fourth session); the
 * table and random tests in `is-redirectable-path.test.ts` hold it equal to the schema.
 */
export function isRedirectablePath(path: string): boolean {
  const length = path.length
  if (length === 0 || length > MAX_PATH_LENGTH || path.charCodeAt(0) !== SLASH) return false
  let segmentStart = 1
  for (let index = 1; index <= length; index++) {
    const code = index === length ? SLASH : path.charCodeAt(index)
    if (code === SLASH) {
      if (isDotSegment(path, segmentStart, index)) return false
      segmentStart = index + 1
    } else if (code < 0x21 || code > 0x7e || code === BACKSLASH) {
      return false
    }
  }
  return true
}

/** True if `path[start, end)` is `.` or `..`, each dot possibly written `%2e`/`%2E`. */
function isDotSegment(path: string, start: number, end: number): boolean {
  let position = start
  let dots = 0
  while (position < end) {
    if (dots === 2) return false
    const code = path.charCodeAt(position)
    if (code === DOT) {
      position += 1
    } else if (code === PERCENT && position + 3 <= end && path.charCodeAt(position + 1) === 0x32 && (path.charCodeAt(position + 2) | 0x20) === 0x65) {
      position += 3
    } else {
      return false
    }
    dots++
  }
  return dots > 0 && position === end
}
