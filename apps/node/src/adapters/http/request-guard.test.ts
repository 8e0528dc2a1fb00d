import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { send } from '../../testing/cache-server-fixtures.ts'
import { describeUnexpectedError, guardRequests } from './request-guard.ts'

describe('the top-level request guard', () => {
  const reported: unknown[] = []
  let server: Server
  let base = ''
  before(async () => {
    server = createServer(
      guardRequests((req, res) => {
        if (req.url === '/sync-throw') throw new TypeError('secret detail /home/x/file.ts:1:2')
        if (req.url === '/async-throw') return Promise.reject(Object.assign(new Error('boom'), { code: 'E_BOOM' }))
        if (req.url === '/throw-after-head') {
          res.writeHead(200, { 'content-length': '10' })
          res.write('abc')
          throw new Error('mid-body')
        }
        res.end('fine')
      }, (error) => reported.push(error)),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('turns a synchronous throw into a 500 without a stack trace, and reports it once', async () => {
    const response = await send(base, '/sync-throw')
    assert.equal(response.status, 500)
    assert.deepEqual(JSON.parse(response.body.toString()), { error: { code: 'INTERNAL', message: 'Internal error.' } })
    assert.equal(reported.length, 1)
  })

  it('turns a rejected promise into a 500 and reports it', async () => {
    const response = await send(base, '/async-throw')
    assert.equal(response.status, 500)
    assert.doesNotMatch(response.body.toString(), /boom/)
    assert.equal(reported.length, 2)
  })

  it('aborts a response whose head already went out, so a cut body is never taken for a whole one', async () => {
    // Cut either mid-body or before the head reached the client: never a complete response.
    const isCut = await send(base, '/throw-after-head').then((response) => response.isAborted, () => true)
    assert.equal(isCut, true)
  })

  it('keeps serving after the throws', async () => {
    assert.equal((await send(base, '/')).body.toString(), 'fine')
  })

  it('logs the code and class of an error, never its message', () => {
    assert.deepEqual(describeUnexpectedError(Object.assign(new Error('secret'), { code: 'E_X' })), { code: 'E_X', errorClass: 'Error' })
    assert.deepEqual(describeUnexpectedError('text'), { code: 'UNKNOWN', errorClass: 'string' })
  })
})
