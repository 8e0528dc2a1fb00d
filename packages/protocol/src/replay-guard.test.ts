import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ReplayGuard } from './replay-guard.ts'

describe('ReplayGuard', () => {
  it('lets an id through once and flags it as a replay afterwards', () => {
    const guard = new ReplayGuard()
    assert.equal(guard.isReplay('cmd_a', 2000, 1000), false)
    assert.equal(guard.isReplay('cmd_a', 2000, 1500), true)
    assert.equal(guard.isReplay('cmd_b', 2000, 1500), false)
  })

  it('forgets ids once they expire, keeping memory bounded', () => {
    const guard = new ReplayGuard()
    for (let index = 0; index < 100; index++) guard.isReplay(`cmd_${index}`, 2000 + index, 1000)
    assert.equal(guard.size, 100)
    guard.isReplay('cmd_late', 10_000, 2050)
    assert.equal(guard.size, 50)
    guard.isReplay('cmd_later', 10_000, 5000)
    assert.equal(guard.size, 2)
  })

  it('refuses new ids when full of live ones (fails closed)', () => {
    const guard = new ReplayGuard({ capacity: 2 })
    assert.equal(guard.isReplay('a', 5000, 0), false)
    assert.equal(guard.isReplay('b', 5000, 0), false)
    assert.equal(guard.isReplay('c', 5000, 0), true)
    assert.equal(guard.isReplay('c', 9000, 5000), false)
  })

  it('tells a replay from a full table, and never forgets a live id to make room', () => {
    const guard = new ReplayGuard({ capacity: 3 })
    assert.equal(guard.admit('a', 100, 0), 'new')
    assert.equal(guard.admit('b', 500, 0), 'new')
    assert.equal(guard.admit('c', 500, 0), 'new')
    assert.equal(guard.admit('a', 100, 99), 'replayed')
    assert.equal(guard.admit('d', 500, 50), 'full')
    assert.equal(guard.admit('b', 500, 50), 'replayed')
    // 'a' expired at 100: its room is taken by 'd', and 'a' is new again.
    assert.equal(guard.admit('d', 500, 100), 'new')
    assert.equal(guard.size, 3)
    assert.equal(guard.admit('a', 600, 100), 'full')
  })
})
