/**
 * Issue #9: the redirector and the origin fallback share the API's one top-level guard.
 * An unexpected throw inside a zone request (here: the GeoIP lookup) is a 500 with a
 * request id, no stack trace and no internals, one log line, and the server keeps serving.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseConfig } from '../../../config/parse-config.ts'
import { startCoordinator } from '../../../main.ts'
import type { RunningCoordinator } from '../../../main.ts'
import { leaksStackTrace } from '../../../testing/http-fuzz.ts'
import { createLogger } from '../../log/create-logger.ts'
import { createCaptureStream } from '../capture-stream.ts'
import { readJsonField as field } from '../../../testing/read-json-field.ts'
import { requestJson } from '../../../testing/node-fake.ts'

const ADMIN_TOKEN = 'admin-test-token-redirector-guard-01'

describe('the redirector\'s top-level guard', () => {
  const logs = createCaptureStream()
  let dir = ''
  let coordinator: RunningCoordinator

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-redirector-guard-'))
    const parsed = parseConfig({ flags: { port: '0', dataDir: dir, adminToken: ADMIN_TOKEN } })
    assert.ok(parsed.ok)
    const geo = {
      lookupCountry: (): never => {
        throw new Error('geo database corrupt at /srv/secret/geo.mmdb (geo.ts:12:3)')
      },
    }
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'info', destination: logs.stream }), startFleetTimers: false, geo })
    const buyer = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'buyer', role: 'buyer' } })
    await requestJson('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: String(field(buyer.body, 'account', 'id')), amount: '1 MSN' } })
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/zones`, { token: String(field(buyer.body, 'token')), json: { name: 'site', origin: 'http://127.0.0.1:9' } })).status, 201)
  })

  after(async () => {
    await coordinator.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers a throw inside a zone request with 500 INTERNAL, no stack or internals, one log line, and keeps serving', async () => {
    const response = await fetch(`${coordinator.url}/z/site/a.png`, { redirect: 'manual' })
    assert.equal(response.status, 500)
    const text = await response.text()
    assert.equal(field(JSON.parse(text), 'error', 'code'), 'INTERNAL')
    assert.ok(!leaksStackTrace(text) && !text.includes('secret'), text)
    const lines = logs.text().split('\n').filter((line) => line.includes('request failed'))
    assert.equal(lines.length, 1)
    assert.ok(lines[0]?.includes('geo database corrupt'), 'the log line keeps the cause for the operator')
    assert.equal((await fetch(`${coordinator.url}/healthz`)).status, 200)
  })
})
