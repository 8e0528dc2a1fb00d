import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { describeFailure } from './main.ts'

describe('describeFailure', () => {
  it('turns a port already in use into a sentence naming the address and the --port way out', async () => {
    const first = createServer()
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve))
    const { port } = first.address() as AddressInfo
    const second = createServer()
    const error = await new Promise<unknown>((resolve) => {
      second.once('error', resolve)
      second.listen(port, '127.0.0.1')
    })
    first.close()
    const text = describeFailure(error)
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`))
    assert.match(text, /--port/)
    // Each command's own syntax: a node operator is not told about npm start.
    assert.match(describeFailure(error, 'node'), /meson-net node --port/)
    assert.doesNotMatch(describeFailure(error, 'node'), /npm start/)
    assert.match(describeFailure(error, 'coordinator'), /meson-net coordinator --port/)
    assert.match(describeFailure(error, 'demo'), /npm start -- --port/)
  })

  it('keeps the message of any other error', () => {
    assert.equal(describeFailure(new Error('the store URL is not valid')), 'the store URL is not valid')
    assert.equal(describeFailure('plain'), 'plain')
  })
})
