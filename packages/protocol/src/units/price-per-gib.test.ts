import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '../errors.ts'
import { GIB } from './byte-size.ts'
import { costOfBytes, formatPricePerGiB, parsePricePerGiB, pricePerGiBSchema } from './price-per-gib.ts'

const CENTS = 10n ** 16n // 0.01 MSN

describe('parsePricePerGiB', () => {
  const valid: [string, bigint][] = [
    ['0.05 MSN/GiB', 5n * CENTS],
    ['0.05MSN/GiB', 5n * CENTS],
    ['0.05/GiB', 5n * CENTS],
    ['1 MSN/GiB', 10n ** 18n],
    ['0 MSN/GiB', 0n],
  ]
  for (const [text, price] of valid) {
    it(`reads "${text}" as ${price} base units per GiB`, () => {
      assert.deepEqual(parsePricePerGiB(text), { ok: true, value: price })
    })
  }

  for (const text of ['0.05', '0.05 MSN', '0.05 MSN/GB', '0.05 MSN / GiB', '-0.05 MSN/GiB', '5e-2 MSN/GiB', '0.0000000000000000001 MSN/GiB']) {
    it(`rejects "${text}"`, () => {
      assert.equal(parsePricePerGiB(text).ok, false)
    })
  }

  it('round-trips through formatPricePerGiB', () => {
    assert.equal(formatPricePerGiB(5n * CENTS), '0.05 MSN/GiB')
    assert.deepEqual(parsePricePerGiB(formatPricePerGiB(123456789n)), { ok: true, value: 123456789n })
  })

  it('has a schema for config', () => {
    assert.equal(pricePerGiBSchema.parse('0.05 MSN/GiB'), 5n * CENTS)
    assert.equal(pricePerGiBSchema.safeParse('0.05').success, false)
  })
})

describe('costOfBytes', () => {
  const cases: [string, bigint, bigint, bigint][] = [
    ['one GiB costs the price', GIB, 5n * CENTS, 5n * CENTS],
    ['ten GiB cost ten times the price', 10n * GIB, 5n * CENTS, 50n * CENTS],
    ['half a GiB costs half', GIB / 2n, 5n * CENTS, 5n * CENTS / 2n],
    ['zero bytes cost nothing', 0n, 5n * CENTS, 0n],
    ['a free zone costs nothing', 10n * GIB, 0n, 0n],
    ['one byte at 1 base unit/GiB floors to zero', 1n, 1n, 0n],
    ['floors a fractional base unit: 3 bytes at 2^30-1 per GiB', 3n, GIB - 1n, 2n],
    ['stays exact far beyond 2^53', 2n ** 62n, 10n ** 18n, 2n ** 32n * 10n ** 18n],
  ]
  for (const [name, bytes, price, cost] of cases) {
    it(name, () => {
      assert.equal(costOfBytes(bytes, price), cost)
    })
  }

  it('charges aggregated bytes at least as much as the sum of per-request costs', () => {
    const requests = Array.from({ length: 1000 }, (_, index) => BigInt(1000 + index * 37))
    const total = requests.reduce((sum, bytes) => sum + bytes, 0n)
    const perRequest = requests.reduce((sum, bytes) => sum + costOfBytes(bytes, 5n * CENTS), 0n)
    assert.ok(costOfBytes(total, 5n * CENTS) >= perRequest)
    assert.ok(costOfBytes(total, 5n * CENTS) - perRequest < 1000n)
  })

  it('throws INVALID_UNIT on negative bytes or price', () => {
    assert.throws(() => costOfBytes(-1n, 1n), (error: unknown) => isErrorWithCode(error, 'INVALID_UNIT'))
    assert.throws(() => costOfBytes(1n, -1n), (error: unknown) => isErrorWithCode(error, 'INVALID_UNIT'))
  })
})
