import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findExecutable } from './find-executable.ts'

describe('findExecutable', () => {
  it('finds sh on a PATH that holds /bin', async () => {
    assert.equal(await findExecutable('sh', '/nonexistent:/bin'), '/bin/sh')
  })

  it('returns undefined for a program that is nowhere', async () => {
    assert.equal(await findExecutable('no-such-program-meson-bench', '/bin'), undefined)
  })
})
