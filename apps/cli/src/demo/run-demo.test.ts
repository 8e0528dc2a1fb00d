import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { createLogger } from '@meson/coordinator'
import { startDemo } from './run-demo.ts'
import type { DemoNodeEvent } from './start-demo-nodes.ts'

const logger = createLogger({ level: 'silent' })

/** Polls until `isDone`, bounded; the assertion is on the state, never on the time. */
async function until(isDone: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await isDone())) {
    if (Date.now() > deadline) assert.fail(`not within ${String(timeoutMs)} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
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
      await until(() => events.some((event) => event.kind === 'restarted'), 'the node restarted')
      assert.deepEqual(events.map((event) => [event.kind, event.exit]), [['died', 'signal SIGKILL'], ['restarted', 'signal SIGKILL']])
      assert.notEqual(node.pid(), pid)
      const health = await fetch(`${node.url}/healthz`)
      assert.ok(health.status < 500, 'the restarted node answers on its old URL')
    } finally {
      await demo.close()
    }
  })
})
