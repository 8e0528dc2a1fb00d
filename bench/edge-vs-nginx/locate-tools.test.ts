import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { locateTools } from './locate-tools.ts'

function finderOf(installed: Record<string, string>): (name: string) => Promise<string | undefined> {
  return (name) => Promise.resolve(installed[name])
}

describe('locateTools', () => {
  it('returns both paths when both are installed', async () => {
    assert.deepEqual(await locateTools(['nginx', 'node'], finderOf({ wrk: '/usr/bin/wrk', nginx: '/usr/sbin/nginx' })), {
      wrk: '/usr/bin/wrk',
      nginx: '/usr/sbin/nginx',
    })
  })

  it('does not need nginx when nginx is not a side', async () => {
    assert.deepEqual(await locateTools(['node'], finderOf({ wrk: '/usr/bin/wrk' })), { wrk: '/usr/bin/wrk', nginx: undefined })
  })

  it('names every missing tool and the apt-get line that installs it', async () => {
    await assert.rejects(locateTools(['nginx', 'node'], finderOf({})), (error: unknown) => {
      assert.ok(isErrorWithCode(error, 'BENCH_TOOL_MISSING'))
      assert.match(error.message, /wrk and nginx not found/)
      assert.match(error.message, /sudo apt-get install wrk nginx/)
      assert.match(error.message, /SIDES=node/)
      return true
    })
  })

  it('asks for wrk alone when only wrk is missing', async () => {
    await assert.rejects(locateTools(['nginx'], finderOf({ nginx: '/usr/sbin/nginx' })), /apt-get install wrk \(/)
  })
})
