/**
 * The `Date` field value node:http would write now (RFC 9110 §6.6.1: IMF-fixdate, the
 * time the message was generated, at one-second resolution). Formatting a date costs
 * more than the rest of a small hit's head, so it is formatted once per second, as
 * node:http does with its own cache.
 */
export function httpDateText(nowMs: number): string {
  const second = Math.floor(nowMs / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedText = new Date(second * 1000).toUTCString()
  }
  return cachedText
}

// A memo of a pure function of the wall clock, shared by every connection on purpose.
let cachedSecond = Number.NaN
let cachedText = ''
