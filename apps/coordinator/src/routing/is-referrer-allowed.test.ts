import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isReferrerAllowed } from './is-referrer-allowed.ts'

describe('isReferrerAllowed', () => {
  const cases: [readonly string[], string | undefined, boolean][] = [
    [[], 'https://evil.example/', true],
    [['example.com'], undefined, true],
    [['example.com'], 'https://example.com/page', true],
    [['example.com'], 'https://EXAMPLE.com/page', true],
    [['example.com'], 'https://www.example.com/', false],
    [['*.example.com'], 'https://www.example.com/', true],
    [['*.example.com'], 'https://example.com/', false],
    [['*.example.com'], 'https://badexample.com/', false],
    [['example.com'], 'not a url', false],
  ]
  for (const [allowed, referer, expected] of cases) {
    it(`${expected ? 'allows' : 'refuses'} ${referer ?? 'no Referer'} for [${allowed.join(', ')}]`, () => {
      assert.equal(isReferrerAllowed(allowed, referer), expected)
    })
  }
})
