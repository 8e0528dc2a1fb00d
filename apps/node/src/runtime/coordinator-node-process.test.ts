import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { encodeTicket, newTicketNonce, ticketSchema } from '@meson/protocol'
import { startScriptedOrigin } from '../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin } from '../testing/cache-server-fixtures.ts'
import { errorReply, FakeCoordinator } from '../testing/fake-coordinator.ts'
import { fetchOnce } from '../testing/coordinator-node-fixtures.ts'

// The `meson-net` command, spawned as an operator runs it (a process, not an import).
const BIN = fileURLToPath(new URL('../../../cli/bin/meson-net.ts', import.meta.url))
const BODY = Buffer.alloc(12_345, 'B')

interface Spawned {
  readonly child: ChildProcess
  readonly exited: Promise<number | null>
  stdout(): string
  stderr(): string
  /** Resolves with the first match of `pattern` on stdout. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>
}

function spawnNode(args: readonly string[]): Spawned {
  const child = spawn(process.execPath, [BIN, 'node', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out)
          if (match !== null) {
            child.stdout.off('data', check)
            resolve(match)
          }
        }
        child.stdout.on('data', check)
        void exited.then((code) => reject(new Error(`meson-net node exited with ${String(code)}: ${err}`)))
        check()
      }),
  }
}

describe('meson-net node --coordinator (as a process)', () => {
  let fake: FakeCoordinator
  let origin: ScriptedOrigin
  let dataDir = ''

  before(async () => {
    fake = await FakeCoordinator.start()
    origin = await startScriptedOrigin()
    origin.route('/file.bin', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60', 'content-length': String(BODY.length) })
      res.end(BODY)
    })
    dataDir = await mkdtemp(join(tmpdir(), 'meson-node-process-'))
  })
  after(async () => {
    await origin.close()
    await fake.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('registers, serves a ticket, and on SIGTERM flushes the usage it metered, exiting 0', async () => {
    const node = spawnNode(['--coordinator', fake.url.href, '--token', 'operator-token-1', '--port', '0', '--data-dir', join(dataDir, 'a'), '--usage-flush-interval-ms', '3600000'])
    const [, url = '', nodeId = ''] = await node.waitFor(/listening on (http:\/\/\S+) \(node (\S+),/)
    await node.waitFor(/registered with/)
    const nowMs = Date.now()
    const ticket = ticketSchema.parse({
      v: 3,
      kid: 'k1',
      zone: 'my-site',
      path: '/file.bin',
      prefix: false,
      nodeId,
      client: '127.0.0.1',
      issuedAt: nowMs - 1000,
      expiresAt: nowMs + 600_000,
      byteBudget: '1000000',
      nonce: newTicketNonce(),
      origin: origin.url,
    })
    const answer = await fetchOnce(`${url}/z/my-site/file.bin?mt=${encodeTicket(fake.ticketTagKeys(nodeId), ticket)}`)
    assert.deepEqual(answer.body, BODY)
    assert.equal(fake.usageBatches.size, 0)
    node.child.kill('SIGTERM')
    assert.equal(await node.exited, 0)
    const lines = [...fake.usageBatches.values()].flatMap((batch) => batch.lines)
    assert.deepEqual(lines.map((line) => [line.ticketId, line.bytes]), [[ticket.nonce, BigInt(BODY.length)]])
    // The coordinator was told before the node went away (DESIGN.md §4.6).
    assert.equal(fake.heartbeats.at(-1)?.status, 'draining')
  })

  it('prints the coordinator\'s refusal (code and message) and exits 3', async () => {
    fake.override('/v1/nodes/register', () => errorReply(409, 'NODE_IP_IN_USE', 'another node already serves from 127.0.0.1'))
    const node = spawnNode(['--coordinator', fake.url.href, '--token', 'operator-token-1', '--port', '0', '--data-dir', join(dataDir, 'b')])
    assert.equal(await node.exited, 3)
    assert.match(node.stderr(), /another node already serves from 127\.0\.0\.1 \(NODE_IP_IN_USE\)/)
  })

  it('refuses --origin together with --coordinator with exit code 2', async () => {
    const node = spawnNode(['--coordinator', fake.url.href, '--origin', origin.url, '--token', 't', '--data-dir', join(dataDir, 'c')])
    assert.equal(await node.exited, 2)
    assert.match(node.stderr(), /--origin \(MESON_NODE_ORIGIN\) and --coordinator \(MESON_NODE_COORDINATOR\) exclude each other/)
  })
})
