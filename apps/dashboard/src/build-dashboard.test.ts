import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ensureDashboardBuilt, isDashboardBuilt } from './build-dashboard.ts'

describe('ensureDashboardBuilt', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('takes a bundle older than its sources for stale, and a newer one for built', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'meson-dashboard-stale-'))
    dirs.push(outDir)
    await mkdir(outDir, { recursive: true })
    await writeFile(join(outDir, 'index.html'), '<!doctype html>')
    await utimes(join(outDir, 'index.html'), new Date(0), new Date(0))
    assert.equal(await isDashboardBuilt(outDir), false, 'a 1970 bundle predates every source file')
    const future = new Date(Date.now() + 86_400_000)
    await utimes(join(outDir, 'index.html'), future, future)
    assert.equal(await isDashboardBuilt(outDir), true)
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
