import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { KeyedLock } from './keyed-lock.ts'

describe('KeyedLock', () => {
  it('runs sections of one key one after another, in order', async () => {
    const lock = new KeyedLock()
    const events: string[] = []
    const gate = Promise.withResolvers<undefined>()
    const first = lock.run('k', async () => {
      events.push('first start')
      await gate.promise
      events.push('first end')
    })
    const second = lock.run('k', () => {
      events.push('second')
      return Promise.resolve()
    })
    await Promise.resolve()
    gate.resolve(undefined)
    await Promise.all([first, second])
    assert.deepEqual(events, ['first start', 'first end', 'second'])
    assert.equal(lock.activeKeys, 0)
  })

  it('does not hold one key up behind another', async () => {
    const lock = new KeyedLock()
    const gate = Promise.withResolvers<undefined>()
    const blocked = lock.run('a', () => gate.promise)
    assert.equal(await lock.run('b', () => Promise.resolve('b ran')), 'b ran')
    gate.resolve(undefined)
    await blocked
  })

  it('releases the key when a section throws', async () => {
    const lock = new KeyedLock()
    await assert.rejects(lock.run('k', () => Promise.reject(new Error('boom'))))
    assert.equal(await lock.run('k', () => Promise.resolve(1)), 1)
  })
})
