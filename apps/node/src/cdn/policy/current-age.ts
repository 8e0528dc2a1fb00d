import { MAX_DELTA_SECONDS, parseDeltaSeconds, splitListMembers } from './cache-control.ts'
import { parseHttpDate } from './http-date.ts'
import type { StoredResponse } from './stored-response.ts'

/**
 * Current age of a stored response in ms, exactly as RFC 9111 §4.2.3 computes it:
 *
 *   apparent_age = max(0, response_time - date_value);
 *   response_delay = response_time - request_time;
 *   corrected_age_value = age_value + response_delay;
 *   corrected_initial_age = max(apparent_age, corrected_age_value);
 *   resident_time = now - response_time;
 *   current_age = corrected_initial_age + resident_time;
 *
 * A missing or invalid Date counts as response_time (RFC 9110 §6.6.1: a recipient
 * "MUST record the time it was received"), so it adds no apparent age. A local clock
 * that ran backwards (request after response, or now before response) adds nothing
 * rather than making the age negative.
 */
export function currentAgeMs(
  stored: Pick<StoredResponse, 'headers' | 'requestTimeMs' | 'responseTimeMs'>,
  nowMs: number,
): number {
  return correctedInitialAgeMs(stored) + residentTimeMs(stored.responseTimeMs, nowMs)
}

/**
 * corrected_initial_age of RFC 9111 §4.2.3: the part of the current age fixed when the
 * response arrived. It depends on the stored response alone, so a cache can compute it
 * once per stored response and add `residentTimeMs` per request (same result as
 * `currentAgeMs`, without re-parsing Date and Age on every hit).
 */
export function correctedInitialAgeMs(stored: Pick<StoredResponse, 'headers' | 'requestTimeMs' | 'responseTimeMs'>): number {
  const dateValueMs = parseHttpDate(stored.headers['date']) ?? stored.responseTimeMs
  const apparentAgeMs = Math.max(0, stored.responseTimeMs - dateValueMs)
  const responseDelayMs = Math.max(0, stored.responseTimeMs - stored.requestTimeMs)
  const correctedAgeValueMs = ageValueSeconds(stored.headers['age']) * 1000 + responseDelayMs
  return Math.max(apparentAgeMs, correctedAgeValueMs)
}

/** resident_time of RFC 9111 §4.2.3 ("now - response_time"), never negative (a clock that ran backwards adds nothing). */
export function residentTimeMs(responseTimeMs: number, nowMs: number): number {
  return Math.max(0, nowMs - responseTimeMs)
}

/**
 * The Age field value for an age in ms: whole seconds (RFC 9111 §5.1: "Age =
 * delta-seconds"), capped at 2^31 (§1.2.2: on overflow "the cache MUST consider the value
 * to be 2147483648").
 */
export function ageHeaderValue(ageMs: number): string {
  if (!(ageMs > 0)) return '0'
  return String(Math.min(Math.floor(ageMs / 1000), MAX_DELTA_SECONDS))
}

/**
 * age_value (RFC 9111 §4.2.3): the Age field "or 0, if not available". §5.1: with a
 * list-based value a cache "SHOULD use the first member"; if that "is invalid (e.g., it
 * contains something other than a non-negative integer), a cache SHOULD ignore the field".
 */
function ageValueSeconds(age: string | undefined): number {
  if (age === undefined) return 0
  const first = splitListMembers(age)[0]
  return first === undefined ? 0 : (parseDeltaSeconds(first) ?? 0)
}
