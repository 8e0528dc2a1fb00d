import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { describe, it } from 'node:test'
import { isPathCovered, ticketPathSchema } from '@meson/protocol'
import { isRedirectablePath } from './is-redirectable-path.ts'

/** What the redirector checked before (zod and the node's path rule), the reference. */
function reference(path: string): boolean {
  return ticketPathSchema.safeParse(path).success && isPathCovered({ path, prefix: false }, path)
}

const VALID = [
  '/',
  '/a',
  '/a.png',
  '/obj/1.bin',
  '//double//slashes/',
  '/a/b/c/',
  '/.hidden',
  '/..hidden',
  '/a./b',
  '/a../b',
  '/...',
  '/a/...',
  '/%2e%2e%2e',
  '/%2e.%2e',
  '/%2ea',
  '/a%2e',
  '/%2f..%2f',
  '/%252e%252e',
  '/%2',
  '/%2e%2',
  '/%',
  '/%%2e',
  '/.%',
  '/~user/!$&\'()*+,;=:@',
  '/"quoted"',
  '/a?b',
  '/a#b',
  '/x'.repeat(1023) + 'y',
  `/${'a'.repeat(2047)}`,
]

const HOSTILE = [
  '',
  'a',
  'a/b',
  '.',
  '..',
  '/.',
  '/..',
  '/./',
  '/../',
  '/a/.',
  '/a/..',
  '/a/./b',
  '/a/../b',
  '/%2e',
  '/%2E',
  '/%2e%2e',
  '/%2E%2e',
  '/%2e.',
  '/.%2E',
  '/a/%2e%2e/b',
  '/a/%2E/b',
  '/a\\b',
  '/\\',
  '/a b',
  '/a\tb',
  '/a\r\nb',
  '/a\u0000',
  '/a\u007f',
  '/caf\u00e9',
  '/\u2028',
  '/\ud83d\ude00',
  ` /a`,
  `/${'a'.repeat(2048)}`,
  `/${'a'.repeat(5000)}`,
]

describe('isRedirectablePath', () => {
  it('accepts what the schema and the node accept', () => {
    for (const path of VALID) {
      assert.equal(reference(path), true, `reference accepts ${JSON.stringify(path)}`)
      assert.equal(isRedirectablePath(path), true, JSON.stringify(path))
    }
  })

  it('refuses what either refuses: dot segments in any spelling, backslashes, controls, non-ASCII, too long', () => {
    for (const path of HOSTILE) {
      assert.equal(reference(path), false, `reference refuses ${JSON.stringify(path)}`)
      assert.equal(isRedirectablePath(path), false, JSON.stringify(path))
    }
  })

  it('agrees with the reference on random paths built from the characters that matter', () => {
    const alphabet = ['/', '.', '%', '2', 'e', 'E', 'a', '\\', ' ', '\u007f', '\u00e9', '~', '?', '#', '\u0000']
    for (let round = 0; round < 50_000; round++) {
      const length = randomInt(0, 12)
      let path = randomInt(0, 8) === 0 ? '' : '/'
      for (let index = 0; index < length; index++) path += alphabet[randomInt(0, alphabet.length)] ?? ''
      assert.equal(isRedirectablePath(path), reference(path), JSON.stringify(path))
    }
  })

  it('agrees at the length limit', () => {
    for (const length of [2046, 2047, 2048, 2049, 2050]) {
      const path = `/${'a'.repeat(length - 1)}`
      assert.equal(isRedirectablePath(path), reference(path), String(length))
    }
  })
})
