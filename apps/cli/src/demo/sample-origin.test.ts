import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { buildFuzzRequests, exchangeRaw, fuzzServer, leaksStackTrace } from '@meson/coordinator/testing'
import { guardRequestHandler } from './guard-request-handler.ts'
import { objectPathOf, startSampleOrigin } from './sample-origin.ts'

describe('the demo\'s sample origin under hostile requests', () => {
  it('answers GET // (once a throw that took the whole demo down) with 404 and keeps serving', async () => {
    const errors: unknown[] = []
    const origin = await startSampleOrigin({ port: 0, onError: (error) => errors.push(error) })
    try {
      const port = Number(new URL(origin.url).port)
      for (const target of ['//', '//x/y', '//:', '/%', '*']) {
        const exchange = await exchangeRaw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
        assert.match(exchange.response, /^HTTP\/1\.1 (404|400) /, target)
      }
      assert.deepEqual(errors, [], 'no request reached the guard: each cause is fixed, not just caught')
      const page = await fetch(`${origin.url}/index.html`)
      assert.equal(page.status, 200)
    } finally {
      await origin.close()
    }
  })

  it('survives 1000 odd requests: no stack trace, and it still serves', async () => {
    const origin = await startSampleOrigin({ port: 0, onError: () => undefined })
    try {
      const exchanges = await fuzzServer(Number(new URL(origin.url).port), buildFuzzRequests(1000, 0xd3e0))
      assert.deepEqual(exchanges.filter((exchange) => leaksStackTrace(exchange.response)).slice(0, 3), [])
      assert.deepEqual(exchanges.filter((exchange) => /^HTTP\/1\.[01] 500 /.test(exchange.response)).map((exchange) => exchange.request.slice(0, 100)).slice(0, 3), [])
      assert.equal((await fetch(`${origin.url}/style.css`)).status, 200)
    } finally {
      await origin.close()
    }
  })

  it('keeps the query out of the object path and never parses the target as a URL', () => {
    assert.equal(objectPathOf('//'), '//')
    assert.equal(objectPathOf('/a.css?v=1'), '/a.css')
    assert.equal(objectPathOf(undefined), '/')
  })
})

describe('guardRequestHandler', () => {
  it('turns a throw or a rejection into a 500 without the stack trace, and reports it once', async () => {
    const reported: string[] = []
    const server = createServer(
      guardRequestHandler((req) => {
        if (req.url === '/async') return Promise.reject(new Error('boom at /srv/secret/file.ts:12:3'))
        throw new Error('boom at /srv/secret/file.ts:12:3')
      }, (error) => reported.push(error instanceof Error ? error.message : String(error))),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      for (const path of ['/sync', '/async']) {
        const exchange = await exchangeRaw(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
        assert.match(exchange.response, /^HTTP\/1\.1 500 /)
        assert.doesNotMatch(exchange.response, /secret|boom/)
      }
      assert.equal(reported.length, 2)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
