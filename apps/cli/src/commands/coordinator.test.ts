import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'

const BIN = fileURLToPath(new URL('../../bin/meson-net.ts', import.meta.url))
const ADMIN_TOKEN = 'cli-test-admin-token-0123456789'

type Child = ChildProcessByStdio<null, Readable, Readable>

function runCli(args: readonly string[]): Child {
  // process.execPath is the Node 24 running the tests (the system `node` may be older).
  return spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MESON_LOG_LEVEL: 'warn' } })
}

function collect(stream: Readable): () => string {
  let text = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => (text += chunk))
  return () => text
}

/** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
function waitForLine(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8')
      const match = pattern.exec(buffered)
      if (match !== null) {
        child.stdout.off('data', onData)
        child.off('exit', onExit)
        resolve(match)
      }
    }
    const onExit = (code: number | null): void => reject(new Error(`exited with ${code} before printing ${pattern}; stdout: ${buffered}`))
    child.stdout.on('data', onData)
    child.once('exit', onExit)
  })
}

function waitForExit(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

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
        child.kill(signal)
        assert.deepEqual(await exited, { code: 0, signal: null })
        assert.ok(!stderr().includes(ADMIN_TOKEN), 'the admin token is never logged')
      } finally {
        child.kill('SIGKILL')
      }
    })
  }

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
