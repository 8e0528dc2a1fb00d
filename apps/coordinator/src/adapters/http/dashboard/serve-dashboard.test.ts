import assert from 'node:assert/strict'
import { request } from 'node:http'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseConfig } from '../../../config/parse-config.ts'
import { startCoordinator } from '../../../main.ts'
import type { RunningCoordinator } from '../../../main.ts'
import { createLogger } from '../../log/create-logger.ts'

interface RawAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
}

/** A raw request: the path goes on the request line exactly as given (no URL normalizing). */
function get(base: string, path: string, accept = '*/*'): Promise<RawAnswer> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, path, method: 'GET', headers: { accept } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

describe('the coordinator serves the dashboard at /', () => {
  let dir: string
  let coordinator: RunningCoordinator

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-dashboard-serve-'))
    const dist = join(dir, 'dist')
    await mkdir(join(dist, 'assets'), { recursive: true })
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Meson</title><div id="app"></div>')
    await writeFile(join(dist, 'assets', 'index-Ab12Cd34.js'), 'console.log("app")')
    await writeFile(join(dist, 'assets', 'index-Ab12Cd34.css'), 'body{}')
    await writeFile(join(dist, '.env'), 'SECRET=1')
    await writeFile(join(dir, 'outside.txt'), 'not for the web')
    const parsed = parseConfig({ flags: { port: '0', host: '127.0.0.1', dataDir: join(dir, 'data'), db: 'sqlite::memory:', adminToken: 'admin-test-token-0123456789abcdef', dashboardDir: dist, logLevel: 'silent' } })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }) })
  })

  after(async () => {
    await coordinator.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('answers / with index.html, revalidated on every load, with a content security policy', async () => {
    const answer = await get(coordinator.url, '/', 'text/html')
    assert.equal(answer.status, 200)
    assert.match(String(answer.headers['content-type']), /^text\/html/)
    assert.match(answer.text, /<div id="app">/)
    assert.equal(answer.headers['cache-control'], 'no-cache')
    assert.match(String(answer.headers['content-security-policy']), /default-src 'self'/)
  })

  it('serves hashed assets with their content type, cached as immutable', async () => {
    const script = await get(coordinator.url, '/assets/index-Ab12Cd34.js')
    assert.equal(script.status, 200)
    assert.match(String(script.headers['content-type']), /javascript/)
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable')
    const style = await get(coordinator.url, '/assets/index-Ab12Cd34.css')
    assert.match(String(style.headers['content-type']), /^text\/css/)
  })

  it('answers a client-side route asked for as HTML with index.html (SPA fallback)', async () => {
    const answer = await get(coordinator.url, '/operator/nodes?tab=score', 'text/html,application/xhtml+xml')
    assert.equal(answer.status, 200)
    assert.match(answer.text, /<div id="app">/)
  })

  it('keeps /v1 answers as JSON, even for a browser asking for HTML', async () => {
    const missing = await get(coordinator.url, '/v1/no-such-route', 'text/html')
    assert.equal(missing.status, 404)
    assert.match(missing.text, /"code":"NOT_FOUND"/)
    const explorer = await get(coordinator.url, '/v1/explorer', 'text/html')
    assert.equal(explorer.status, 200)
    assert.match(String(explorer.headers['content-type']), /^application\/json/)
  })

  it('answers a missing asset with 404, not with index.html', async () => {
    const answer = await get(coordinator.url, '/assets/missing-0000.js', 'text/html')
    assert.equal(answer.status, 404)
    assert.doesNotMatch(answer.text, /<div id="app">/)
  })

  it('never serves a file outside the dashboard folder, nor a dotfile', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/%2e%2e%2foutside.txt', '/.env']) {
      const answer = await get(coordinator.url, path)
      assert.notEqual(answer.status, 200, path)
      assert.doesNotMatch(answer.text, /not for the web|SECRET/, path)
    }
  })

  it('answers the public explorer without a token: zeros for a network with no nodes', async () => {
    const answer = await get(coordinator.url, '/v1/explorer')
    const body: unknown = JSON.parse(answer.text)
    assert.partialDeepStrictEqual(body, { nodes: { total: 0, active: 0, draining: 0, pending: 0, down: 0 }, countries: [], unlocatedNodes: 0, servedBytes: '0' })
  })
})
