import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { startTestNode } from '../../testing/cache-server-fixtures.ts'
import { makeDataDir } from '../../testing/cache-store-fixtures.ts'
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock.ts'

describe('one node process per data directory', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
  })
  afterEach(() => cleanup())

  it('refuses a second holder while the first one runs, naming its pid', async () => {
    const first = await acquireDataDirLock(dataDir, { pid: 4242, isProcessAlive: () => true })
    await assert.rejects(acquireDataDirLock(dataDir, { pid: 5151, isProcessAlive: (pid) => pid === 4242 }), (error) => {
      assert.ok(error instanceof DataDirLockedError)
      assert.equal(error.code, 'DATA_DIR_LOCKED')
      assert.match(error.message, /pid 4242/)
      assert.match(error.message, /--data-dir/)
      return true
    })
    await first.release()
    await (await acquireDataDirLock(dataDir, { pid: 5151, isProcessAlive: () => true })).release()
  })

  it('takes over a stale lock whose process is gone', async () => {
    await acquireDataDirLock(dataDir, { pid: 4242, isProcessAlive: () => true })
    const lock = await acquireDataDirLock(dataDir, { pid: 5151, isProcessAlive: () => false })
    assert.match(await readFile(lock.path, 'utf8'), /^5151 [0-9a-f]{16}\n$/)
  })

  it('takes over a lock holding our own pid (a restarted container reuses it) or garbage', async () => {
    await writeFile(join(dataDir, 'node.lock'), `${process.pid} leftover\n`)
    const ours = await acquireDataDirLock(dataDir)
    await ours.release()
    await writeFile(join(dataDir, 'node.lock'), 'not a pid')
    await (await acquireDataDirLock(dataDir)).release()
  })

  it('release removes only its own lock', async () => {
    const lock = await acquireDataDirLock(dataDir, { pid: 1111, isProcessAlive: () => false })
    await writeFile(lock.path, '2222 someone-else\n')
    await lock.release()
    assert.equal(await readFile(lock.path, 'utf8'), '2222 someone-else\n')
  })

  it('a node refuses to start on a data directory another live process holds', async () => {
    const holderScript = `import { acquireDataDirLock } from ${JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).href)}
      await acquireDataDirLock(${JSON.stringify(dataDir)}); process.stdout.write('held\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0))`
    const holder = spawn(process.execPath, ['--input-type=module', '-e', holderScript], { stdio: ['pipe', 'pipe', 'inherit'] })
    try {
      await once(holder.stdout, 'data')
      await assert.rejects(startTestNode('http://127.0.0.1:9', { dataDir }), (error) => isErrorWithCode(error, 'DATA_DIR_LOCKED') && error.message.includes(`pid ${holder.pid}`))
    } finally {
      holder.stdin.end()
      await once(holder, 'exit')
    }
    // Its process gone, the directory is free again (the stale lock is taken over).
    const node = await startTestNode('http://127.0.0.1:9', { dataDir })
    await node.stop()
  })
})
