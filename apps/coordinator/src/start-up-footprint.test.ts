import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const APP_DIR = fileURLToPath(new URL('../', import.meta.url))

describe('start-up footprint', () => {
  it('loading the coordinator does not load the Solidity compiler (solc-js is ~96 MiB of RSS; only compiling needs it)', () => {
    // A fresh process, so nothing another test imported is in its module cache.
    const script = [
      "import { createRequire } from 'node:module'",
      "await import('@meson/coordinator')",
      "const loaded = Object.keys(createRequire(process.cwd() + '/').cache).filter((path) => path.includes('/node_modules/solc/'))",
      'process.stdout.write(JSON.stringify(loaded))',
    ].join('\n')
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: APP_DIR, encoding: 'utf8', timeout: 60_000 })
    assert.equal(run.status, 0, run.stderr)
    assert.deepEqual(JSON.parse(run.stdout), [])
  })
})
