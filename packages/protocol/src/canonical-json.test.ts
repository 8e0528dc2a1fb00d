import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { canonicalJson } from './canonical-json.ts'
import { isErrorWithCode } from './errors.ts'

describe('canonicalJson', () => {
  const cases: [string, unknown, string][] = [
    ['sorts keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['sorts nested keys', { z: { y: 1, x: [{ d: 1, c: 2 }] } }, '{"z":{"x":[{"c":2,"d":1}],"y":1}}'],
    ['sorts by UTF-16 code units, not code points', { '\u{1F600}': 1, '\uFFFF': 2 }, '{"\u{1F600}":1,"\uFFFF":2}'],
    ['sorts uppercase before lowercase', { a: 1, B: 2 }, '{"B":2,"a":1}'],
    ['writes bigint as a decimal string', { bytes: 10737418240n }, '{"bytes":"10737418240"}'],
    ['writes negative bigint', -5n, '"-5"'],
    ['omits undefined properties', { a: undefined, b: 1 }, '{"b":1}'],
    ['keeps null', { a: null }, '{"a":null}'],
    ['writes -0 as 0', -0, '0'],
    ['writes numbers as ECMAScript does', [1e21, 0.1, 1.5e-7], '[1e+21,0.1,1.5e-7]'],
    ['escapes strings like JSON.stringify', 'a"b\\c\n\u0001', '"a\\"b\\\\c\\n\\u0001"'],
    ['writes no whitespace', { a: [1, 2], b: { c: true } }, '{"a":[1,2],"b":{"c":true}}'],
    ['accepts null-prototype objects', Object.assign(Object.create(null) as object, { k: 'v' }), '{"k":"v"}'],
  ]
  for (const [name, value, json] of cases) {
    it(name, () => {
      assert.equal(canonicalJson(value), json)
    })
  }

  it('serializes a payload and its wire form (bigints as strings) identically', () => {
    assert.equal(canonicalJson({ bytes: 5n, zone: 'z' }), canonicalJson({ zone: 'z', bytes: '5' }))
  })

  it('accepts the same object reached twice (not a cycle)', () => {
    const shared = { x: 1 }
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}')
  })

  const cycle: Record<string, unknown> = {}
  cycle.self = cycle
  const rejected: [string, unknown][] = [
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a function', { f: () => 1 }],
    ['a symbol value', { s: Symbol('x') }],
    ['a symbol key', { [Symbol('k')]: 1 }],
    ['top-level undefined', undefined],
    ['undefined in an array', [1, undefined]],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the case under test
    ['a hole in an array', [1, , 3]],
    ['a cycle', cycle],
    ['a Date', { d: new Date(0) }],
    ['a Map', new Map([['a', 1]])],
    ['a Uint8Array', new Uint8Array(2)],
    ['a class instance', new (class Point { x = 1 })()],
  ]
  for (const [name, value] of rejected) {
    it(`rejects ${name} with CANONICAL_JSON_UNSUPPORTED`, () => {
      assert.throws(() => canonicalJson(value), (error: unknown) => isErrorWithCode(error, 'CANONICAL_JSON_UNSUPPORTED'))
    })
  }

  it('says where the unsupported value is', () => {
    assert.throws(() => canonicalJson({ a: [0, { b: Number.NaN }] }), /\$\.a\[1\]\.b/)
  })
})
