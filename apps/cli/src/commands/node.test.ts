import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, get } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/meson-net.ts', import.meta.url))
const LARGE = Buffer.alloc(8 * 1024 * 1024, 'L')

/** Starts `meson-net node` and resolves with its URL once it printed it. */
function startCli(args: readonly string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'node', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match?.[1] !== undefined) resolve({ child, url: match[1] })
    })
    child.on('exit', (code) => reject(new Error(`meson-net node exited with ${String(code)} before listening`)))
  })
}

function getOnce(url: string, onFirstBytes?: () => void): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer; isAborted: boolean }> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = []
      let isFirst = true
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        if (isFirst) onFirstBytes?.()
        isFirst = false
      })
      const finish = (isAborted: boolean) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), isAborted })
      res.on('end', () => finish(!res.complete))
      res.on('error', () => finish(true))
    }).on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), isAborted: true }))
  })
}

function exited(child: ChildProcess): Promise<number | null> {
  // A child killed while the test awaited something else may have exited already: 'exit' will not fire again.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

describe('meson-net node (standalone, as a process)', () => {
  let origin: Server
  let originUrl = ''
  let dataDir = ''
  let largeRequests = 0

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meson-cli-node-'))
    origin = createServer((req, res) => {
      if (req.url === '/large') {
        largeRequests += 1
        res.writeHead(200, { 'cache-control': 'max-age=600', 'content-length': String(LARGE.length) })
        // Slow enough that the node is mid-write when the test kills it.
        let offset = 0
        const step = () => {
          if (offset >= LARGE.length || res.destroyed) return void res.end()
          res.write(LARGE.subarray(offset, offset + 256 * 1024))
          offset += 256 * 1024
          setTimeout(step, 15)
        }
        return step()
      }
      res.writeHead(200, { 'cache-control': 'max-age=600' }).end('small object')
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`
  })
  after(async () => {
    origin.closeAllConnections()
    await new Promise((resolve) => origin.close(resolve))
    await rm(dataDir, { recursive: true, force: true })
  })

  it('prints its URL, misses then hits, and exits 0 on SIGTERM', async () => {
    const { child, url } = await startCli(['--origin', originUrl, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir])
    const first = await getOnce(`${url}/small`)
    const second = await getOnce(`${url}/small`)
    assert.match(String(first.headers['cache-status']), /fwd=uri-miss/)
    assert.match(String(second.headers['cache-status']), /^meson; hit/)
    assert.equal(second.body.toString(), 'small object')
    child.kill('SIGTERM')
    assert.equal(await exited(child), 0)
  })

  it('refuses a bad flag with exit code 2 and names it', async () => {
    const child = spawn(process.execPath, [BIN, 'node', '--origin', originUrl, '--cache-size', 'huge'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    assert.equal(await exited(child), 2)
    assert.match(err, /--cache-size/)
  })

  it('after kill -9 during a large response, serves the object whole or fetches it again, never partial', async () => {
    const first = await startCli(['--origin', originUrl, '--port', '0', '--data-dir', dataDir])
    const cut = await getOnce(`${first.url}/large`, () => first.child.kill('SIGKILL'))
    await exited(first.child)
    assert.equal(cut.isAborted, true)
    const second = await startCli(['--origin', originUrl, '--port', '0', '--data-dir', dataDir])
    try {
      const whole = await getOnce(`${second.url}/large`)
      assert.equal(whole.isAborted, false)
      assert.equal(whole.body.length, LARGE.length)
      assert.ok(whole.body.equals(LARGE))
      assert.equal(largeRequests, 2)
    } finally {
      second.child.kill('SIGTERM')
      await exited(second.child)
    }
  })
})
