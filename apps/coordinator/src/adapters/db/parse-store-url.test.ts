import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseStoreUrl } from './parse-store-url.ts'

describe('parseStoreUrl', () => {
  const cases: ReadonlyArray<readonly [string, ReturnType<typeof parseStoreUrl>]> = [
    ['postgres://u:p@db:5432/meson', { ok: true, location: { dialect: 'postgres', connectionString: 'postgres://u:p@db:5432/meson' } }],
    ['postgresql://db/meson', { ok: true, location: { dialect: 'postgres', connectionString: 'postgresql://db/meson' } }],
    ['POSTGRES://db/meson', { ok: true, location: { dialect: 'postgres', connectionString: 'POSTGRES://db/meson' } }],
    ['sqlite::memory:', { ok: true, location: { dialect: 'sqlite', path: ':memory:' } }],
    [':memory:', { ok: true, location: { dialect: 'sqlite', path: ':memory:' } }],
    ['sqlite:/var/lib/meson/c.db', { ok: true, location: { dialect: 'sqlite', path: '/var/lib/meson/c.db' } }],
    ['sqlite:///var/lib/meson/c.db', { ok: true, location: { dialect: 'sqlite', path: '/var/lib/meson/c.db' } }],
    ['sqlite:data/c.db', { ok: true, location: { dialect: 'sqlite', path: '/srv/data/c.db' } }],
    ['/var/lib/meson/c.db', { ok: true, location: { dialect: 'sqlite', path: '/var/lib/meson/c.db' } }],
    ['./c.db', { ok: true, location: { dialect: 'sqlite', path: '/srv/c.db' } }],
    ['  c.db  ', { ok: true, location: { dialect: 'sqlite', path: '/srv/c.db' } }],
  ]
  for (const [url, expected] of cases) {
    it(`reads ${JSON.stringify(url)}`, () => {
      assert.deepEqual(parseStoreUrl(url, '/srv'), expected)
    })
  }

  for (const url of ['', '   ', 'sqlite:', 'mysql://root:hunter2@db/meson', 'http://db/meson', 'file:///var/lib/c.db']) {
    it(`refuses ${JSON.stringify(url)} without echoing it`, () => {
      const result = parseStoreUrl(url, '/srv')
      assert.equal(result.ok, false)
      assert.ok(!result.reason.includes('hunter2'))
    })
  }
})
