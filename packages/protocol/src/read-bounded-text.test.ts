import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readBoundedText } from './read-bounded-text.ts'

describe('readBoundedText', () => {
  it('reads a body up to the limit as UTF-8', async () => {
    assert.equal(await readBoundedText(new Response('héllo'), 6), 'héllo')
    assert.equal(await readBoundedText(new Response(null), 0), '')
  })

  it('gives up on a body one byte over the limit', async () => {
    assert.equal(await readBoundedText(new Response('x'.repeat(11)), 10), undefined)
  })
})
