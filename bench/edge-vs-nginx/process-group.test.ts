import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { createProcessGroup } from './process-group.ts'

describe('createProcessGroup', () => {
  it('stops every process it started', async () => {
    const group = createProcessGroup()
    const sleepers = [group.start('a', 'sleep', ['30']), group.start('b', 'sleep', ['30'])]
    assert.ok(sleepers.every((sleeper) => sleeper.isRunning()))
    await group.stopAll()
    assert.deepEqual(await Promise.all(sleepers.map((sleeper) => sleeper.exited)), ['SIGTERM', 'SIGTERM'])
    assert.ok(sleepers.every((sleeper) => !sleeper.isRunning()))
  })

  it('refuses to start anything once it is stopping', async () => {
    const group = createProcessGroup()
    await group.stopAll()
    assert.throws(() => group.start('late', 'sleep', ['30']), (error: unknown) => isErrorWithCode(error, 'BENCH_INTERRUPTED'))
  })

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const group = createProcessGroup()
    // Short sleeps in a loop, so the SIGKILLed shell leaves no long-lived orphan behind.
    const stubborn = group.start('stubborn', 'sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'])
    // Wait for the trap to be in place (a condition, not a delay).
    while (!stubborn.outputTail().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 10))
    await stubborn.stop('SIGTERM', 100)
    assert.equal(await stubborn.exited, 'SIGKILL')
  })

  it('keeps the output tail and reports a command that cannot start', async () => {
    const group = createProcessGroup()
    const echo = group.start('echo', 'sh', ['-c', 'echo hello; echo oops >&2'])
    assert.equal(await echo.exited, 0)
    assert.match(echo.outputTail(), /hello/)
    assert.match(echo.outputTail(), /oops/)
    const missing = group.start('missing', '/nonexistent/binary', [])
    assert.equal(await missing.exited, 'spawn-error')
    assert.match(missing.outputTail(), /ENOENT/)
  })
})
