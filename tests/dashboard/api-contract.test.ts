import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import { ENDPOINTS } from '@meson/dashboard/testing'

type Json = Record<string, unknown>

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function child(value: unknown, ...path: readonly string[]): unknown {
  let current = value
  for (const key of path) current = isRecord(current) ? current[key] : undefined
  return current
}

/** Top-level properties of the success answer's JSON schema, or undefined when it documents none. */
function successProperties(operation: unknown): string[] | undefined {
  for (const status of ['200', '201', '202']) {
    const properties = child(operation, 'responses', status, 'content', 'application/json', 'schema', 'properties')
    if (isRecord(properties)) return Object.keys(properties)
  }
  return undefined
}

/**
 * The dashboard's typed client against the coordinator's own `/v1/openapi.json`: every
 * operation it calls exists with that method, and the fields it reads are documented.
 * Operations of issues not merged yet must answer 404 NOT_FOUND, which the dashboard
 * shows as "not available on this coordinator yet"; once merged they are checked too.
 */
describe('the dashboard client and /v1/openapi.json', () => {
  let dir: string
  let coordinator: RunningCoordinator
  let paths: Json

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-dashboard-contract-'))
    const parsed = parseConfig({ flags: { port: '0', host: '127.0.0.1', dataDir: dir, db: 'sqlite::memory:', adminToken: 'admin-test-token-0123456789abcdef', logLevel: 'silent' } })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }) })
    const document: unknown = await (await fetch(`${coordinator.url}/v1/openapi.json`)).json()
    const found = child(document, 'paths')
    assert.ok(isRecord(found), 'the document has paths')
    paths = found
  })

  after(async () => {
    await coordinator.close()
    await rm(dir, { recursive: true, force: true })
  })

  for (const [name, endpoint] of Object.entries(ENDPOINTS)) {
    it(`${name}: ${endpoint.method} ${endpoint.path} ${'pendingIssue' in endpoint ? `exists, or answers 404 NOT_FOUND until #${endpoint.pendingIssue} is merged` : 'is documented with the fields the dashboard reads'}`, async () => {
      const operation = child(paths, endpoint.path, endpoint.method.toLowerCase())
      if (operation === undefined && 'pendingIssue' in endpoint) {
        const url = `${coordinator.url}${endpoint.path.replace(/\{[a-zA-Z]+\}/g, '0x0000000000000000000000000000000000000001')}`
        const answer = await fetch(url, { method: endpoint.method, headers: { authorization: 'Bearer msn_unknown' } })
        assert.equal(answer.status, 404)
        assert.equal(child(await answer.json(), 'error', 'code'), 'NOT_FOUND')
        return
      }
      assert.ok(isRecord(operation), `${endpoint.method} ${endpoint.path} is not in /v1/openapi.json`)
      const documented = successProperties(operation)
      if (documented !== undefined) for (const field of endpoint.reads) assert.ok(documented.includes(field), `${endpoint.path} documents ${documented.join(', ')} but not ${field}`)
      for (const [array, fields] of Object.entries('itemReads' in endpoint ? endpoint.itemReads : {})) {
        const items = child(operation, 'responses', '200', 'content', 'application/json', 'schema', 'properties', array, 'items', 'properties')
        assert.ok(isRecord(items), `${endpoint.path} documents no item fields of ${array}`)
        for (const field of fields) assert.ok(field in items, `${endpoint.path} documents ${Object.keys(items).join(', ')} of ${array} but not ${field}`)
      }
    })
  }

  it('documents the zone and account fields the dashboard types rely on', () => {
    const zone = child(paths, '/v1/zones/{name}', 'get', 'responses', '200', 'content', 'application/json', 'schema', 'properties', 'zone', 'properties')
    assert.ok(isRecord(zone))
    for (const field of ['id', 'name', 'origin', 'pricePerGiB', 'createdAt']) assert.ok(field in zone, field)
    const account = child(paths, '/v1/me', 'get', 'responses', '200', 'content', 'application/json', 'schema', 'properties', 'account', 'properties')
    assert.ok(isRecord(account))
    for (const field of ['id', 'name', 'role', 'payoutAddress']) assert.ok(field in account, field)
  })
})
