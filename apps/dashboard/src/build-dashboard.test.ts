import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ensureDashboardBuilt, isDashboardBuilt } from './build-dashboard.ts'

describe('ensureDashboardBuilt', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('builds index.html and hashed assets on a fresh machine, also when two callers race', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'meson-dashboard-build-'))
    dirs.push(parent)
    const outDir = join(parent, 'dist')
    assert.equal(await isDashboardBuilt(outDir), false)
    const [first, second] = await Promise.all([ensureDashboardBuilt({ outDir, logLevel: 'silent' }), ensureDashboardBuilt({ outDir, logLevel: 'silent' })])
    assert.equal(first, outDir)
    assert.equal(second, outDir)
    const html = await readFile(join(outDir, 'index.html'), 'utf8')
    const script = /src="\/assets\/(index-[\w-]+\.js)"/.exec(html)
    assert.ok(script, html)
    assert.ok((await readdir(join(outDir, 'assets'))).includes(script[1] ?? ''))
    // No temp folder is left behind by the loser of the race.
    assert.deepEqual(await readdir(parent), ['dist'])
  })
})
