/**
 * HTTP-date parsing and formatting (RFC 9110 §5.6.7).
 *
 * Recipients MUST accept all three formats (IMF-fixdate and the two obsolete ones);
 * senders generate only IMF-fixdate. A value that is not one of them is invalid and
 * comes back as `undefined`, never NaN, so callers cannot compare against NaN by
 * accident.
 */

const MONTHS: readonly string[] = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const SHORT_DAYS = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const LONG_DAYS = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'

// IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT ; "Sun, 06 Nov 1994 08:49:37 GMT"
const IMF_FIXDATE = new RegExp(`^${SHORT_DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`)
// rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT ; "Sunday, 06-Nov-94 08:49:37 GMT"
const RFC850_DATE = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`)
// asctime-date = day-name SP date3 SP time-of-day SP year ; "Sun Nov  6 08:49:37 1994"
const ASCTIME_DATE = new RegExp(`^${SHORT_DAYS} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`)

const FIFTY_YEARS_MS = 50 * 365.2425 * 24 * 3600 * 1000

export interface ParseHttpDateOptions {
  /**
   * Local clock, used only for the two-digit years of rfc850-date (RFC 9110 §5.6.7).
   * Without it, years 70–99 are 19xx and 00–69 are 20xx (the POSIX convention).
   */
  readonly nowMs?: number
}

/** Parses an HTTP-date (RFC 9110 §5.6.7) to epoch ms; `undefined` when invalid. */
export function parseHttpDate(value: string | undefined, options: ParseHttpDateOptions = {}): number | undefined {
  if (value === undefined) return undefined
  // Surrounding whitespace is not part of the field value (RFC 9110 §5.5).
  const text = value.trim()
  const imf = IMF_FIXDATE.exec(text)
  if (imf !== null) return toEpochMs(Number(imf[3]), imf[2], Number(imf[1]), imf[4], imf[5], imf[6])
  const rfc850 = RFC850_DATE.exec(text)
  if (rfc850 !== null) {
    return fromTwoDigitYear(Number(rfc850[3]), options.nowMs, (year) =>
      toEpochMs(year, rfc850[2], Number(rfc850[1]), rfc850[4], rfc850[5], rfc850[6]),
    )
  }
  const asctime = ASCTIME_DATE.exec(text)
  if (asctime !== null) {
    // date3 = month SP ( 2DIGIT / ( SP DIGIT ) ): the day may be space-padded.
    return toEpochMs(Number(asctime[6]), asctime[1], Number(asctime[2]?.trim()), asctime[3], asctime[4], asctime[5])
  }
  return undefined
}

/** Formats epoch ms as an IMF-fixdate, the only format senders generate (RFC 9110 §5.6.7). */
export function formatHttpDate(epochMs: number): string {
  // toUTCString() produces exactly IMF-fixdate for years 0000-9999.
  return new Date(Math.floor(epochMs / 1000) * 1000).toUTCString()
}

/**
 * RFC 9110 §5.6.7: "Recipients of a timestamp value in rfc850-date format, which uses a
 * two-digit year, MUST interpret a timestamp that appears to be more than 50 years in
 * the future as representing the most recent year in the past that had the same last
 * two digits."
 */
function fromTwoDigitYear(
  twoDigitYear: number,
  nowMs: number | undefined,
  build: (year: number) => number | undefined,
): number | undefined {
  if (nowMs === undefined) return build(twoDigitYear < 70 ? 2000 + twoDigitYear : 1900 + twoDigitYear)
  const nowYear = new Date(nowMs).getUTCFullYear()
  const century = nowYear - (nowYear % 100)
  const candidate = build(century + twoDigitYear)
  if (candidate !== undefined && candidate - nowMs > FIFTY_YEARS_MS) return build(century - 100 + twoDigitYear)
  return candidate
}

function toEpochMs(
  year: number,
  monthName: string | undefined,
  day: number,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
): number | undefined {
  const month = monthName === undefined ? -1 : MONTHS.indexOf(monthName)
  const hour = Number(hourText)
  const minute = Number(minuteText)
  const second = Number(secondText)
  // time-of-day: hour 00-23, minute 00-59, second 00-60 (60 is a leap second).
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return undefined
  if (day < 1 || day > daysInMonth(year, month)) return undefined
  // Date.UTC maps years 0-99 to 1900-1999, so set the full year explicitly.
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  date.setUTCHours(hour, minute, second, 0)
  const epochMs = date.getTime()
  return Number.isFinite(epochMs) ? epochMs : undefined
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month + 1, 0)
  return date.getUTCDate()
}
