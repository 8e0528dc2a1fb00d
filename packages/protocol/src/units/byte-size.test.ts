import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { byteSizeSchema, formatByteSize, GIB, MAX_BYTE_SIZE, parseByteSize } from './byte-size.ts'

describe('parseByteSize', () => {
  const valid: [string, bigint][] = [
    ['0', 0n],
    ['4096', 4096n],
    ['512B', 512n],
    ['512 B', 512n],
    ['1KiB', 1024n],
    ['10GiB', 10737418240n],
    ['10 GiB', 10737418240n],
    ['1.5GiB', 1610612736n],
    ['0.5 KiB', 512n],
    ['2MiB', 2097152n],
    ['1TiB', 1099511627776n],
    ['1kB', 1000n],
    ['1KB', 1000n],
    ['500 MB', 500000000n],
    ['1.5GB', 1500000000n],
    ['2TB', 2000000000000n],
    ['1.25 kB', 1250n],
    ['9223372036854775807', MAX_BYTE_SIZE],
  ]
  for (const [text, bytes] of valid) {
    it(`reads "${text}" as ${bytes} bytes`, () => {
      assert.deepEqual(parseByteSize(text), { ok: true, value: bytes })
    })
  }

  const invalid: [string, string][] = [
    ['', 'empty'],
    ['-1GiB', 'negative'],
    ['+1GiB', 'signed'],
    ['1e3', 'exponent'],
    ['1e3 B', 'exponent with unit'],
    ['GiB', 'no number'],
    ['1 gib', 'wrong case'],
    ['1 Mb', 'bits look-alike'],
    ['1 PiB', 'unknown unit'],
    ['1  GiB', 'two spaces'],
    [' 1GiB', 'leading space'],
    ['1GiB ', 'trailing space'],
    ['1.GiB', 'dangling dot'],
    ['.5GiB', 'no leading digit'],
    ['0.3B', 'fraction of a byte'],
    ['0.0001KiB', 'fraction of a byte after scaling'],
    ['1,5GiB', 'comma decimal'],
    ['1_000', 'separator'],
    ['0x10', 'hex'],
    ['9223372036854775808', '2^63'],
    ['8388608TiB', '2^63 bytes in TiB'],
    ['9'.repeat(200), 'absurdly long'],
  ]
  for (const [text, why] of invalid) {
    it(`rejects "${text.slice(0, 30)}" (${why})`, () => {
      const result = parseByteSize(text)
      assert.equal(result.ok, false)
    })
  }

  it('names the unknown unit in its reason', () => {
    assert.deepEqual(parseByteSize('3 XB'), { ok: false, reason: 'unknown unit "XB" (use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)' })
  })
})

describe('formatByteSize', () => {
  const cases: [bigint, string][] = [
    [0n, '0 B'],
    [512n, '512 B'],
    [1023n, '1023 B'],
    [1024n, '1 KiB'],
    [1536n, '1.5 KiB'],
    [10n * GIB, '10 GiB'],
    [GIB + GIB / 4n, '1.25 GiB'],
    [GIB - 1n, '1023.99 MiB'],
    [1024n ** 4n * 3n, '3 TiB'],
    [1024n ** 4n * 5000n, '5000 TiB'],
    [-1536n, '-1.5 KiB'],
  ]
  for (const [bytes, text] of cases) {
    it(`writes ${bytes} as "${text}"`, () => {
      assert.equal(formatByteSize(bytes), text)
    })
  }

  it('writes what parseByteSize reads back for whole-hundredth sizes', () => {
    for (const bytes of [0n, 1n, 1024n, 1536n, 10n * GIB, 3n * 1024n ** 4n]) {
      assert.deepEqual(parseByteSize(formatByteSize(bytes).replace(' ', '')), { ok: true, value: bytes })
    }
  })
})

describe('byteSizeSchema', () => {
  it('outputs bigint bytes from a config string', () => {
    assert.equal(byteSizeSchema.parse('10GiB'), 10737418240n)
  })

  it('reports a bad size as a schema issue with the reason', () => {
    const result = byteSizeSchema.safeParse('ten gigs')
    assert.ok(!result.success)
    assert.match(result.error.message, /not a byte size/)
  })

  it('rejects a number where a string is expected', () => {
    assert.equal(byteSizeSchema.safeParse(1024).success, false)
  })
})
