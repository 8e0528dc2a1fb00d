import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCommandLine, parseParentPid, parseVmHwmBytes, readPeakRssOfTree } from './peak-rss.ts'

describe('parseVmHwmBytes', () => {
  it('reads VmHWM in kB as bytes', () => {
    const status = 'Name:\tnginx\nVmPeak:\t  20000 kB\nVmHWM:\t    6400 kB\nVmRSS:\t    6000 kB\n'
    assert.equal(parseVmHwmBytes(status), 6_553_600n)
  })

  it('is undefined for a kernel thread without memory lines', () => {
    assert.equal(parseVmHwmBytes('Name:\tkthreadd\nState:\tS (sleeping)\n'), undefined)
  })
})

describe('parseParentPid', () => {
  it('reads the fourth field even when the command holds spaces and parens', () => {
    assert.equal(parseParentPid('4242 (nginx: worker (x)) S 4241 4241 100 0 -1'), 4241)
  })
})

describe('parseCommandLine', () => {
  it('joins the NUL-separated arguments, cuts paths to their name and shortens long labels', () => {
    assert.equal(parseCommandLine('nginx: worker process\0\0'), 'nginx: worker process')
    assert.equal(parseCommandLine('/usr/bin/node\0/repo/.bin/meson-net\0node\0--origin\0'), 'node meson-net node --origin')
    assert.equal(parseCommandLine('/usr/bin/node\0/repo/.bin/meson-net\0node\0--origin\0', 20), 'node meson-net node…')
  })
})

describe('readPeakRssOfTree', () => {
  it('reports this very process with a positive peak', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
    const peaks = await readPeakRssOfTree(process.pid)
    const own = peaks.find((peak) => peak.pid === process.pid)
    assert.ok(own !== undefined)
    assert.ok(own.peakRssBytes > 0n)
  })
})
