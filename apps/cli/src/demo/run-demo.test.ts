import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { createLogger } from '@meson/coordinator'
import { startDemo } from './run-demo.ts'
import type { DemoNodeEvent } from './start-demo-nodes.ts'

const logger = createLogger({ level: 'silent' })

/** Polls until `isDone`, bounded; the assertion is on the state, never on the time. */
async function until(isDone: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await isDone())) {
    if (Date.now() > deadline) assert.fail(`not within ${String(timeoutMs)} ms: ${typeof what === 'string' ? what : what()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Whether `server` could listen on 127.0.0.1:`port` (false while the port is in use). */
function listenOn(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = (): void => resolve(false)
    server.once('error', onError)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError)
      resolve(true)
    })
  })
}

describe('the demo (npm start) on its data dir', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('runs again on the same --data-dir (same buyer, zone served), with the dir 0700 and the database and token files 0600', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'meson-demo-rerun-')), 'data')
    dirs.push(dataDir)
    const first = await startDemo({ basePort: 0, nodeCount: 1, withTraffic: false, dataDir, logger })
    const buyerId = first.network.buyer.accountId
    await first.close()
    const second = await startDemo({ basePort: 0, nodeCount: 1, withTraffic: false, dataDir, logger })
    try {
      assert.equal(second.network.buyer.accountId, buyerId, 'the buyer of the first run')
      const served = await fetch(`${second.network.zones[0]?.url ?? ''}style.css`)
      assert.equal(served.status, 200)
      assert.equal((await stat(dataDir)).mode & 0o777, 0o700)
      assert.equal((await stat(join(dataDir, 'coordinator'))).mode & 0o777, 0o700)
      assert.equal((await stat(join(dataDir, 'node-1'))).mode & 0o777, 0o700)
      assert.equal((await stat(join(dataDir, 'coordinator', 'coordinator.db'))).mode & 0o777, 0o600)
      assert.equal((await stat(second.networkFile)).mode & 0o777, 0o600)
      assert.equal((await stat(second.buyerHeaderFile)).mode & 0o777, 0o600)
      assert.equal(await readFile(second.buyerHeaderFile, 'utf8'), `Authorization: Bearer ${second.network.buyer.token}\n`)
    } finally {
      await second.close()
    }
  })

  it('removes its temporary data dir (tokens inside) on exit when no --data-dir was given', async () => {
    const demo = await startDemo({ basePort: 0, nodeCount: 1, withTraffic: false, dataDir: undefined, logger })
    const dir = demo.network.dataDir
    assert.equal((await stat(dir)).isDirectory(), true)
    await demo.close()
    await assert.rejects(stat(dir), { code: 'ENOENT' })
  })

  it('reports a demo node process that dies (kill -9) and starts it again under the same node id', async () => {
    const events: DemoNodeEvent[] = []
    const demo = await startDemo({ basePort: 0, nodeCount: 1, withTraffic: false, dataDir: undefined, logger, onNodeEvent: (event) => events.push(event) })
    try {
      const [node] = demo.nodes
      assert.ok(node)
      const pid = node.pid()
      assert.ok(pid !== undefined)
      process.kill(pid, 'SIGKILL')
      const said = (): string => `the node restarted (events: ${events.map((event) => event.message).join(' | ')})`
      await until(() => events.some((event) => event.kind === 'restarted' || event.kind === 'gave-up'), said, 120_000)
      assert.deepEqual(events[0] && [events[0].kind, events[0].exit], ['died', 'signal SIGKILL'])
      // A busy machine may need more than one start (each failed one is reported); the last is the one that held.
      assert.deepEqual(events.at(-1) && [events.at(-1)?.kind, events.at(-1)?.exit], ['restarted', 'signal SIGKILL'], said())
      assert.notEqual(node.pid(), pid)
      const health = await fetch(`${node.url}/healthz`)
      assert.ok(health.status < 500, 'the restarted node answers on its old URL')
    } finally {
      await demo.close()
    }
  })

  it('tries a failed restart again: a node whose port is taken when it comes back is started once the port is free', async () => {
    const events: DemoNodeEvent[] = []
    const demo = await startDemo({ basePort: 0, nodeCount: 1, withTraffic: false, dataDir: undefined, logger, onNodeEvent: (event) => events.push(event) })
    const blocker = createServer()
    try {
      const [node] = demo.nodes
      assert.ok(node)
      const port = Number(new URL(node.url).port)
      process.kill(node.pid() ?? 0, 'SIGKILL')
      // Take the node's port as soon as the kernel frees it, before the new process listens.
      await until(() => listenOn(blocker, port), 'the killed node\'s port could be taken')
      const said = (): string => events.map((event) => event.message).join(' | ')
      await until(() => events.some((event) => event.exit === 'start failed'), said, 120_000)
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
      await until(() => events.some((event) => event.kind === 'restarted' || event.kind === 'gave-up'), said, 120_000)
      assert.equal(events.at(-1)?.kind, 'restarted', said())
      assert.ok(events.some((event) => event.exit === 'start failed' && /trying again/.test(event.message)), said())
      assert.ok((await fetch(`${node.url}/healthz`)).status < 500, 'the node answers on its old URL')
    } finally {
      blocker.close()
      await demo.close()
    }
  })
})
