import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { runStoreContract } from '../../store/store.contract.ts'
import { openStore } from './open-store.ts'

const execFileAsync = promisify(execFile)

let directory = ''
let fileCount = 0
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'meson-sqlite-store-'))
})
after(async () => {
  await rm(directory, { recursive: true, force: true })
})

function nextFile(): string {
  fileCount += 1
  return join(directory, `store-${fileCount}.db`)
}

runStoreContract('SQLite file', () => openStore({ url: `sqlite:${nextFile()}` }))
runStoreContract('SQLite :memory:', () => openStore({ url: 'sqlite::memory:' }))

describe('SQLite store files', () => {
  it('keeps its data when the file is reopened', async () => {
    const path = nextFile()
    const first = await openStore({ url: path })
    const account = await first.createAccount({ name: 'Persistent', role: 'operator' })
    await first.postTransaction({
      id: 'grant',
      kind: 'grant',
      entries: [
        { ledgerAccount: 'system:grants', amount: -(10n ** 30n) },
        { ledgerAccount: `operator:${account.id}`, amount: 10n ** 30n },
      ],
    })
    await first.close()

    const second = await openStore({ url: `sqlite:${path}` })
    try {
      assert.deepEqual(await second.getAccount(account.id), account)
      assert.equal(await second.getBalance(`operator:${account.id}`), 10n ** 30n)
    } finally {
      await second.close()
    }
  })

  it('runs migrations only once across reopenings', async () => {
    const path = nextFile()
    const applied: string[] = []
    const logger = { info: (fields: object) => applied.push(JSON.stringify(fields)), error: () => undefined }
    await (await openStore({ url: path, logger })).close()
    await (await openStore({ url: path, logger })).close()
    assert.deepEqual(applied, ['0001-initial', '0002-fleet', '0003-metering', '0010-zone-identity', '0011-domain-verifications', '0020-proxy', '0030-rewards', '0040-settlement', '0050-ipfs-zones', '0060-usage-requests-country', '0070-object-sizes', '0080-usage-batch-flags', '0090-storage-segments'].map((migration) => JSON.stringify({ migration })))
  })

  it('lets three coordinator processes migrate a fresh file at once', async () => {
    const path = nextFile()
    // Each child opens the store (running migrations), records a grant, and closes.
    const script = [
      `const { openStore } = await import(${JSON.stringify(new URL('./open-store.ts', import.meta.url).href)})`,
      'const store = await openStore({ url: process.env.MESON_RACE_DB })',
      "await store.postTransaction({ id: 'grant-' + process.pid, kind: 'grant', entries: [{ ledgerAccount: 'system:grants', amount: -1n }, { ledgerAccount: 'buyer:a', amount: 1n }] })",
      'await store.close()',
    ].join('\n')
    const children = [1, 2, 3].map(() =>
      execFileAsync(process.execPath, ['--no-warnings', '--input-type=module', '--eval', script], { env: { ...process.env, MESON_RACE_DB: path } }),
    )
    await Promise.all(children)
    const store = await openStore({ url: path })
    try {
      assert.equal(await store.getBalance('buyer:a'), 3n)
    } finally {
      await store.close()
    }
  })

  it('creates missing parent directories', async () => {
    const path = join(directory, 'deep', 'er', 'store.db')
    await (await openStore({ url: `sqlite://${path}` })).close()
    assert.ok((await stat(path)).isFile())
  })

  it('writes in WAL mode', async () => {
    const path = nextFile()
    const store = await openStore({ url: path })
    try {
      await store.createAccount({ name: 'w', role: 'buyer' })
      assert.ok((await stat(`${path}-wal`)).isFile())
    } finally {
      await store.close()
    }
  })

  it('refuses the PostgreSQL-only schema option', async () => {
    await assert.rejects(openStore({ url: 'sqlite::memory:', schema: 'x' }), { code: 'STORE_OPTION_UNSUPPORTED' })
  })

  it('refuses an unknown URL scheme without echoing the URL', async () => {
    await assert.rejects(openStore({ url: 'mysql://root:hunter2@db/meson' }), (error: unknown) => {
      assert.ok(isErrorWithCode(error, 'STORE_URL_INVALID'))
      assert.ok(!error.message.includes('hunter2'))
      return true
    })
  })
})
