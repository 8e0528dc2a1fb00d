import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ExitByteCounter } from '../../proxy/exit-byte-counter.ts'
import { ExitMonthFile, loadExitMonth } from './exit-month-file.ts'

describe('exit month file', () => {
  it('gives a restarted counter the month saved by the last run, and a new month starts from zero', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-exit-month-'))
    try {
      const path = join(dir, 'month.json')
      const file = new ExitMonthFile(path, { intervalMs: 60_000 })
      const march = Date.UTC(2026, 2, 10)
      const first = new ExitByteCounter({ onChange: (state) => file.save(state) })
      first.add(1000, march)
      first.add(24, march)
      await file.flush()
      const restarted = new ExitByteCounter({ initial: loadExitMonth(path) })
      assert.equal(restarted.bytesThisMonth(march + 1000), 1024n)
      assert.equal(restarted.bytesThisMonth(Date.UTC(2026, 3, 1)), 0n)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reads a missing or malformed file as no saved month', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-exit-month-'))
    try {
      assert.equal(loadExitMonth(join(dir, 'absent.json')), undefined)
      for (const text of ['not json', '{"monthStartMs":1,"bytes":"-5"}', '{"monthStartMs":"x","bytes":"5"}']) {
        await writeFile(join(dir, 'bad.json'), text)
        assert.equal(loadExitMonth(join(dir, 'bad.json')), undefined, text)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
