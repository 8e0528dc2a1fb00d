import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { collect, runCli, waitForExit, waitForLine } from '../testing/cli-process.ts'

const ADMIN_TOKEN = 'cli-test-admin-token-0123456789'

describe('meson-net coordinator', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints its URL, answers /healthz and exits cleanly on ${signal}`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'meson-cli-'))
      dirs.push(dataDir)
      const child = runCli(['coordinator', '--port', '0', '--data-dir', dataDir, '--admin-token', ADMIN_TOKEN])
      const stderr = collect(child.stderr)
      const exited = waitForExit(child)
      try {
        const match = await waitForLine(child, /^coordinator listening on (http:\/\/127\.0\.0\.1:\d+)\n/m)
        const url = match[1] ?? ''
        const health = await fetch(`${url}/healthz`)
        assert.equal(health.status, 200)
        assert.deepEqual(await health.json(), { status: 'ok', store: 'sqlite' })
        const dashboard = await fetch(`${url}/`, { headers: { accept: 'text/html' } })
        assert.equal(dashboard.status, 200, 'the dashboard is served at /')
        assert.match(await dashboard.text(), /<div id="app">/)
        child.kill(signal)
        assert.deepEqual(await exited, { code: 0, signal: null })
        assert.ok(!stderr().includes(ADMIN_TOKEN), 'the admin token is never logged')
      } finally {
        child.kill('SIGKILL')
      }
    })
  }

  it('serves no dashboard with --no-dashboard', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meson-cli-'))
    dirs.push(dataDir)
    const child = runCli(['coordinator', '--port', '0', '--data-dir', dataDir, '--admin-token', ADMIN_TOKEN, '--no-dashboard'])
    const exited = waitForExit(child)
    try {
      const match = await waitForLine(child, /^coordinator listening on (http:\/\/127\.0\.0\.1:\d+)\n/m)
      const answer = await fetch(`${match[1] ?? ''}/`, { headers: { accept: 'text/html' } })
      assert.equal(answer.status, 404)
      child.kill('SIGTERM')
      assert.deepEqual(await exited, { code: 0, signal: null })
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('exits 2 with a message naming the key when --port is not a number', async () => {
    const child = runCli(['coordinator', '--port', 'abc', '--data-dir', join(tmpdir(), 'meson-cli-never-created')])
    const stderr = collect(child.stderr)
    const stdout = collect(child.stdout)
    const { code } = await waitForExit(child)
    assert.equal(code, 2)
    assert.match(stderr(), /config: port: expected an integer between 0 and 65535 \(from --port\)/)
    assert.equal(stdout(), '')
  })
})
