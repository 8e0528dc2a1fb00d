import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildUsageSeries, sumField, usageByCountry } from './usage-series.ts'

const rows = [
  { periodStart: '2026-01-01T01:00:00.000Z', zone: 'b', bytes: '10' },
  { periodStart: '2026-01-01T00:00:00.000Z', zone: 'a', bytes: '5', product: 'proxy' },
  { periodStart: '2026-01-01T01:00:00.000Z', zone: 'a', bytes: '7', product: 'proxy' },
  { periodStart: '2026-01-01T01:00:00.000Z', zone: 'a', bytes: '1', requests: 3, byCountry: [{ country: 'FR', bytes: '1', requests: 1 }, { country: 'DE', bytes: '9007199254740993', requests: 2 }] },
  { periodStart: '2026-01-01T00:00:00.000Z', zone: 'a', bytes: '1', requests: 1, byCountry: [{ country: 'FR', bytes: '2', requests: 1 }] },
]

describe('buildUsageSeries', () => {
  it('aligns one line per zone and product on sorted periods, null where a period has no row', () => {
    const { times, series } = buildUsageSeries(rows, (row) => Number(row.bytes))
    assert.deepEqual(times, [Date.parse('2026-01-01T00:00:00Z') / 1000, Date.parse('2026-01-01T01:00:00Z') / 1000])
    assert.deepEqual(series, [
      { label: 'a · cdn', values: [1, 1] },
      { label: 'a · proxy', values: [5, 7] },
      { label: 'b · cdn', values: [null, 10] },
    ])
  })

  it('puts every period of the query on the axis, with 0 where a line had no usage', () => {
    const hour = 3_600_000
    const from = Date.parse('2026-01-01T00:30:00Z')
    const { times, series } = buildUsageSeries(rows.slice(0, 1), (row) => Number(row.bytes), { fromMs: from, toMs: from + 3 * hour, periodMs: hour })
    assert.deepEqual(times.map((time) => new Date(time * 1000).toISOString().slice(11, 13)), ['00', '01', '02', '03'])
    assert.deepEqual(series, [{ label: 'b · cdn', values: [0, 10, 0, 0] }])
  })

  it('leaves out rows without the measure (requests on a coordinator that does not count them)', () => {
    assert.deepEqual(buildUsageSeries(rows, () => undefined).series, [])
  })

  it('sums decimal strings exactly and totals bytes and requests by country, most bytes first', () => {
    assert.equal(sumField([{ periodStart: '', bytes: '9007199254740993' }, { periodStart: '', bytes: '1' }], (row) => row.bytes), 9007199254740994n)
    assert.deepEqual(usageByCountry(rows), [
      { country: 'DE', bytes: 9007199254740993n, requests: 2 },
      { country: 'FR', bytes: 3n, requests: 2 },
    ])
  })

  it('charts requests only of rows that carry them', () => {
    assert.deepEqual(buildUsageSeries(rows, (row) => row.requests).series, [{ label: 'a · cdn', values: [1, 3] }])
  })
})
