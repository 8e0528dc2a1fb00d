/**
 * Issue #9, a newcomer's first minutes: a standalone coordinator says how to make its
 * first accounts and zones, and `meson-net account create | credit` and `zone create`
 * do it with secrets from a file or the environment, never needing a token on argv.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { BIN, collect, runCli, waitForExit, waitForLine } from '../testing/cli-process.ts'

async function cli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', ...env } })
  const stdout = collect(child.stdout)
  const stderr = collect(child.stderr)
  const { code } = await waitForExit(child)
  return { code, stdout: stdout(), stderr: stderr() }
}

describe('first steps on a standalone coordinator', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('prints how to create the first accounts, and the account and zone commands work with the admin token file and MESON_TOKEN', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meson-first-steps-'))
    dirs.push(dataDir)
    const coordinator = runCli(['coordinator', '--port', '0', '--data-dir', dataDir])
    const stderr = collect(coordinator.stderr)
    const exited = waitForExit(coordinator)
    try {
      const url = (await waitForLine(coordinator, /^coordinator listening on (http:\/\/127\.0\.0\.1:\d+)\n/m))[1] ?? ''
      const tokenFile = join(dataDir, 'admin-token')
      for (let attempt = 0; !stderr().includes('zone create') && attempt < 100; attempt++) await new Promise((resolve) => setTimeout(resolve, 50))
      assert.match(stderr(), new RegExp(`account create --coordinator ${url} --admin-token-file ${tokenFile}`))

      const missing = await cli(['account', 'create', '--coordinator', url, '--name', 'alice', '--role', 'buyer'])
      assert.equal(missing.code, 2)
      assert.match(missing.stderr, /--admin-token-file <path>, or set MESON_ADMIN_TOKEN/)

      const created = await cli(['account', 'create', '--coordinator', url, '--admin-token-file', tokenFile, '--name', 'alice', '--role', 'buyer'])
      assert.equal(created.code, 0, created.stderr)
      const accountId = /^account (acc_[a-z2-7]+) \(buyer\)$/m.exec(created.stdout)?.[1]
      const buyerToken = /^token (\S+)$/m.exec(created.stdout)?.[1]
      assert.ok(accountId !== undefined && buyerToken !== undefined, created.stdout)

      const credited = await cli(['account', 'credit', '--coordinator', url, '--admin-token-file', tokenFile, '--account', accountId, '--amount', '10 MSN'])
      assert.equal(credited.code, 0, credited.stderr)

      const zone = await cli(['zone', 'create', '--coordinator', url, '--name', 'my-site', '--origin', 'https://origin.example.com'], { MESON_TOKEN: buyerToken })
      assert.equal(zone.code, 0, zone.stderr)
      assert.match(zone.stdout, new RegExp(`zone URL ${url}/z/my-site/`))

      const refused = await cli(['zone', 'create', '--coordinator', url, '--name', 'free', '--origin', 'https://origin.example.com', '--price-per-gib', '1'], { MESON_TOKEN: buyerToken })
      assert.equal(refused.code, 1)
      assert.match(refused.stderr, /PRICE_OUT_OF_RANGE/)
    } finally {
      coordinator.kill('SIGTERM')
      await exited
    }
  })

  it('says in the help where each secret may come from', async () => {
    const coordinatorHelp = await cli(['coordinator', '--help'])
    assert.match(coordinatorHelp.stdout, /MESON_ADMIN_TOKEN/)
    const nodeHelp = await cli(['node', '--help'])
    assert.match(nodeHelp.stdout.replace(/\s+/g, ' '), /MESON_NODE_TOKEN; prefer the env variable/)
    const zoneHelp = await cli(['zone', 'create', '--help'])
    assert.match(zoneHelp.stdout, /MESON_TOKEN/)
  })
})
