import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ensureTicketMasterKeyFile } from './ticket-master-key-file.ts'

describe('ensureTicketMasterKeyFile', () => {
  it('creates one 0600 generation on first start and reads the same secret afterwards, also when two start at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-ticket-keys-'))
    try {
      const path = join(dir, 'sub', 'ticket-keys.json')
      const [a, b] = await Promise.all([ensureTicketMasterKeyFile(path), ensureTicketMasterKeyFile(path)])
      assert.equal([a, b].filter((file) => file.created).length, 1)
      assert.deepEqual(a.keys, b.keys)
      assert.equal((await stat(path)).mode & 0o777, 0o600)
      const again = await ensureTicketMasterKeyFile(path)
      assert.equal(again.created, false)
      assert.deepEqual(again.keys, a.keys)
      assert.equal(again.keys[0]?.secret.length, 32)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a file that is not a list of generations, without echoing its content', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-ticket-keys-'))
    try {
      const path = join(dir, 'ticket-keys.json')
      await writeFile(path, JSON.stringify({ keys: [{ kid: 'k1', secret: 'c2hvcnQ', activeFrom: 0 }] }))
      await assert.rejects(ensureTicketMasterKeyFile(path), (error: unknown) => error instanceof Error && 'code' in error && error.code === 'TICKET_KEY_FILE_INVALID' && !error.message.includes('c2hvcnQ'))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
