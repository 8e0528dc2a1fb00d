import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SecondChanceMap } from './second-chance-map.ts'

describe('SecondChanceMap', () => {
  it('never holds more than its bound, and tells what it dropped', () => {
    const evicted: string[] = []
    const map = new SecondChanceMap<string, number>(3, (key) => evicted.push(key))
    for (let index = 0; index < 100; index++) {
      map.set(`k${String(index)}`, index)
      assert.ok(map.size <= 3)
    }
    assert.equal(map.size, 3)
    assert.equal(evicted.length, 97)
    assert.deepEqual(map.values(), [97, 98, 99])
  })

  it('keeps an entry read since it was inserted over one that was not', () => {
    const map = new SecondChanceMap<string, number>(2)
    map.set('a', 1)
    map.set('b', 2)
    assert.equal(map.get('a'), 1)
    map.set('c', 3)
    assert.equal(map.get('a'), 1)
    assert.equal(map.get('b'), undefined)
    assert.equal(map.get('c'), 3)
  })

  it('never drops the entry just set, even when every other one was read', () => {
    for (const bound of [1, 2, 5, 20]) {
      const map = new SecondChanceMap<number, number>(bound)
      for (let index = 0; index < 50; index++) {
        for (let key = Math.max(0, index - bound); key < index; key++) map.get(key)
        map.set(index, index)
        assert.equal(map.get(index), index, `bound ${String(bound)}, key ${String(index)}`)
        assert.ok(map.size <= bound)
      }
    }
  })

  it('drops even read entries eventually: a full map of hot keys still admits new ones', () => {
    const map = new SecondChanceMap<number, number>(4)
    for (let key = 0; key < 4; key++) map.set(key, key)
    for (let round = 0; round < 3; round++) {
      for (let key = 0; key < 4; key++) map.get(key)
    }
    map.set(100, 100)
    assert.equal(map.size, 4)
    assert.equal(map.get(100), 100)
  })

  it('refuses a bound that is not a positive integer', () => {
    assert.throws(() => new SecondChanceMap(0), RangeError)
    assert.throws(() => new SecondChanceMap(1.5), RangeError)
  })
})
