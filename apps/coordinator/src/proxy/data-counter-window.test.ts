import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DataCounterWindow } from './data-counter-window.ts'

describe('DataCounterWindow', () => {
  it('takes each counter once, in any order within the window', () => {
    const window = new DataCounterWindow()
    assert.deepEqual([2, 0, 1, 1, 2, 3].map((counter) => window.accept(counter)), [true, true, true, false, false, true])
  })
  it('refuses counters that fell out of the window, and stays bounded', () => {
    const window = new DataCounterWindow()
    for (let counter = 0; counter < 5000; counter += 1) assert.equal(window.accept(counter), true)
    assert.equal(window.accept(10), false)
    assert.equal(window.accept(4999 - 1024), false)
    assert.equal(window.accept(4999 - 1023), false, 'seen already')
    assert.equal(window.accept(6000), true)
    assert.equal(window.accept(5500), true, 'late but within the window and unseen')
  })
})
