import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rememberBounded } from './bounded-map.ts'

describe('rememberBounded', () => {
  it('keeps at most maxEntries, dropping the oldest-stored first; storing a key again makes it the newest', () => {
    const map = new Map<string, number>()
    rememberBounded(map, 'a', 1, 2)
    rememberBounded(map, 'b', 2, 2)
    rememberBounded(map, 'a', 11, 2)
    rememberBounded(map, 'c', 3, 2)
    assert.deepEqual([...map], [['a', 11], ['c', 3]])
  })

  it('never drops the entry it just stored, and trims a map that was over the bound', () => {
    const map = new Map([['x', 0], ['y', 0], ['z', 0]])
    rememberBounded(map, 'new', 1, 1)
    assert.deepEqual([...map], [['new', 1]])
  })
})
