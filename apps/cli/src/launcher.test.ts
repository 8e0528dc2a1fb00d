import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const LAUNCHER = fileURLToPath(new URL('../bin/meson-net.js', import.meta.url))

/** A Node.js older than 24 on this machine (the system's), if there is one. */
function findOldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(candidate)) continue
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim()
    if (/^v(1\d|2[0-3])\./.test(version)) return candidate
  }
  return undefined
}

describe('the meson-net launcher (bin/meson-net.js)', () => {
  it('runs the CLI on Node 24', () => {
    assert.match(execFileSync(process.execPath, [LAUNCHER, '--version'], { encoding: 'utf8' }), /^\d+\.\d+\.\d+/)
  })

  const oldNode = findOldNode()
  it('on an older Node prints one plain sentence of what to do (npx meson-net / npm start), no stack trace', { skip: oldNode === undefined ? 'no Node.js older than 24 found on this machine' : false }, () => {
    const result = spawnSync(oldNode ?? '', [LAUNCHER, 'demo'], { encoding: 'utf8' })
    assert.equal(result.status, 1)
    assert.match(result.stderr, /needs Node\.js 24 or newer/)
    assert.match(result.stderr, /npx meson-net/)
    assert.match(result.stderr, /npm start/)
    assert.doesNotMatch(result.stderr, /ERR_UNKNOWN_FILE_EXTENSION|\n\s+at /)
  })
})
