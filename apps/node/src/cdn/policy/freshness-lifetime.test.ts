import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { freshnessLifetimeMs } from './freshness-lifetime.ts'
import type { FreshnessLifetimeOptions } from './freshness-lifetime.ts'
import type { HeaderMap } from './header-map.ts'

const DATE = 'Tue, 01 Jul 2025 12:00:00 GMT'
const DATE_MS = Date.UTC(2025, 6, 1, 12, 0, 0)
const HOUR_MS = 3600_000

interface Row {
  readonly rule: string
  readonly headers: HeaderMap
  readonly options?: FreshnessLifetimeOptions
  readonly expectedMs: number
}

const rows: Row[] = [
  { rule: '§4.2.1 s-maxage first for a shared cache', headers: { 'cache-control': 'max-age=10, s-maxage=20', expires: 'Tue, 01 Jul 2025 13:00:00 GMT', date: DATE }, expectedMs: 20_000 },
  { rule: '§4.2.1 then max-age, over Expires', headers: { 'cache-control': 'max-age=10', expires: 'Tue, 01 Jul 2025 13:00:00 GMT', date: DATE }, expectedMs: 10_000 },
  { rule: '§4.2.1 then Expires − Date', headers: { expires: 'Tue, 01 Jul 2025 13:00:00 GMT', date: DATE }, expectedMs: HOUR_MS },
  { rule: '§4.2.1 Expires − response time when Date is absent', headers: { expires: 'Tue, 01 Jul 2025 13:00:00 GMT' }, options: { responseTimeMs: DATE_MS + 60_000 }, expectedMs: HOUR_MS - 60_000 },
  { rule: '§4.2.1 Expires without Date or response time: unknown → stale', headers: { expires: 'Tue, 01 Jul 2025 13:00:00 GMT' }, expectedMs: 0 },
  { rule: '§5.3 Expires "0" means already expired', headers: { expires: '0', date: DATE }, expectedMs: 0 },
  { rule: '§5.3 invalid Expires means already expired, no heuristic', headers: { expires: 'tomorrow', date: DATE, 'last-modified': 'Mon, 01 Jul 2024 12:00:00 GMT' }, expectedMs: 0 },
  { rule: '§4.2.1 Expires in the past → 0, never negative', headers: { expires: 'Tue, 01 Jul 2025 11:00:00 GMT', date: DATE }, expectedMs: 0 },
  { rule: '§4.2.1 invalid max-age → stale (not Expires)', headers: { 'cache-control': 'max-age=abc', expires: 'Tue, 01 Jul 2025 13:00:00 GMT', date: DATE }, expectedMs: 0 },
  { rule: '§1.2.2 huge max-age capped at 2^31 s', headers: { 'cache-control': 'max-age=99999999999999999999' }, expectedMs: 2_147_483_648_000 },
  { rule: '§4.2.2 heuristic: 10% of Date − Last-Modified', headers: { date: DATE, 'last-modified': 'Tue, 01 Jul 2025 02:00:00 GMT' }, expectedMs: HOUR_MS },
  { rule: '§4.2.2 heuristic capped (default 24 h)', headers: { date: DATE, 'last-modified': 'Mon, 01 Jul 2024 12:00:00 GMT' }, expectedMs: 24 * HOUR_MS },
  { rule: '§4.2.2 heuristic fraction and cap are options', headers: { date: DATE, 'last-modified': 'Tue, 01 Jul 2025 02:00:00 GMT' }, options: { heuristicFraction: 0.5, maxHeuristicMs: 2 * HOUR_MS }, expectedMs: 2 * HOUR_MS },
  { rule: '§4.2.2 no heuristic for a status that is not heuristically cacheable', headers: { date: DATE, 'last-modified': 'Tue, 01 Jul 2025 02:00:00 GMT' }, options: { status: 302 }, expectedMs: 0 },
  { rule: '§5.2.2.9 public makes any status heuristically cacheable', headers: { 'cache-control': 'public', date: DATE, 'last-modified': 'Tue, 01 Jul 2025 02:00:00 GMT' }, options: { status: 302 }, expectedMs: HOUR_MS },
  { rule: 'no heuristic with no-cache', headers: { 'cache-control': 'no-cache', date: DATE, 'last-modified': 'Tue, 01 Jul 2025 02:00:00 GMT' }, expectedMs: 0 },
  { rule: 'no heuristic without Last-Modified', headers: { date: DATE }, expectedMs: 0 },
  { rule: 'no heuristic when Last-Modified is after Date', headers: { date: DATE, 'last-modified': 'Tue, 01 Jul 2025 13:00:00 GMT' }, expectedMs: 0 },
  { rule: '§4.2.1 two Expires lines → stale', headers: { expires: 'Tue, 01 Jul 2025 13:00:00 GMT, Tue, 01 Jul 2025 14:00:00 GMT', date: DATE }, expectedMs: 0 },
]

describe('freshnessLifetimeMs (RFC 9111 §4.2.1, §4.2.2)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      assert.equal(freshnessLifetimeMs(row.headers, row.options), row.expectedMs)
    })
  }
})
