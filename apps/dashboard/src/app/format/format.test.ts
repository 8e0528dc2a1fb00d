import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatByteRate, formatBytes } from './format-bytes.ts'
import { formatAgo, formatDuration } from './format-duration.ts'
import { formatPercent } from './format-percent.ts'
import { formatPricePerGiB, formatToken } from './format-token.ts'

describe('formatBytes', () => {
  it('prints binary units with three significant digits', () => {
    assert.equal(formatBytes(0n), '0 B')
    assert.equal(formatBytes('512'), '512 B')
    assert.equal(formatBytes(1536), '1.50 KiB')
    assert.equal(formatBytes(10n * 1024n * 1024n + 512n * 1024n), '10.5 MiB')
    assert.equal(formatBytes(3n * 1024n ** 3n), '3.00 GiB')
    assert.equal(formatBytes(200n * 1024n ** 4n), '200 TiB')
  })

  it('keeps counts past 2^53 from the API exact enough to print', () => {
    assert.equal(formatBytes((2n ** 60n).toString()), '1.00 EiB')
  })

  it('prints rates per second, and a dash for an unknown rate', () => {
    assert.equal(formatByteRate(2048), '2.00 KiB/s')
    assert.equal(formatByteRate(Number.NaN), '—')
  })
})

describe('formatToken', () => {
  it('prints MSN with two decimals from 1 MSN up, grouped by thousands', () => {
    assert.equal(formatToken('100000000000000000000'), '100 MSN')
    assert.equal(formatToken(1234567n * 10n ** 16n), '12,345.67 MSN')
    assert.equal(formatToken(15n * 10n ** 17n), '1.50 MSN')
  })

  it('prints small amounts with enough digits to see them, and dust as below a millionth', () => {
    assert.equal(formatToken(10n ** 16n), '0.01 MSN')
    assert.equal(formatToken(123456789n * 10n ** 6n), '0.000123 MSN')
    assert.equal(formatToken(5n), '< 0.000001 MSN')
    assert.equal(formatToken('0'), '0 MSN')
    assert.equal(formatToken(-(10n ** 18n)), '-1 MSN')
  })

  it('prints prices per GiB', () => {
    assert.equal(formatPricePerGiB('10000000000000000'), '0.01 MSN/GiB')
  })
})

describe('formatPercent and durations', () => {
  it('prints ratios as percent with one decimal', () => {
    assert.equal(formatPercent(0.4567), '45.7 %')
    assert.equal(formatPercent(undefined), '—')
  })

  it('prints durations as a person reads them', () => {
    assert.equal(formatDuration(45_000), '45 s')
    assert.equal(formatDuration(12 * 60_000), '12 min')
    assert.equal(formatDuration(3 * 3_600_000 + 5 * 60_000), '3 h 5 min')
    assert.equal(formatDuration(2 * 86_400_000 + 4 * 3_600_000), '2 d 4 h')
    assert.equal(formatAgo(new Date(1_000).toISOString(), 11_000), '10 s ago')
    assert.equal(formatAgo(null, 0), 'never')
  })
})
