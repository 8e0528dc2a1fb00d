import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ANVIL_DEV_KEYS, deployNetworkContracts } from '@meson/contracts'
import { openTestChain } from '@meson/contracts/testing'
import { collect, runCli, waitForExit, waitForLine } from '../testing/cli-process.ts'

test('meson-net coordinator configured only by its chain flags answers GET /v1/chain, and refuses a settler key file others can read', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const [deployer, settler] = chain.wallets
  assert.ok(deployer && settler)
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient: chain.publicClient, minter: deployer.account.address, settler: settler.account.address })
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-coordinator-chain-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))
  const keyFile = join(dataDir, 'settler.key')
  await writeFile(keyFile, `${ANVIL_DEV_KEYS[1]}\n`)
  await chmod(keyFile, 0o600)
  const chainFlags = [
    '--chain-rpc-url', chain.anvil.rpcUrl,
    '--chain-id', String(chain.anvil.chainId),
    '--token-address', contracts.token,
    '--distributor-address', contracts.distributor,
    '--vault-address', contracts.vault,
    '--settler-key-file', keyFile,
  ]
  const coordinator = runCli(['coordinator', '--port', '0', '--data-dir', join(dataDir, 'coordinator'), '--no-dashboard', ...chainFlags])
  const stderr = collect(coordinator.stderr)
  const exited = waitForExit(coordinator)
  try {
    const url = (await waitForLine(coordinator, /^coordinator listening on (http:\/\/127\.0\.0\.1:\d+)\n/m))[1] ?? ''
    const answer = await fetch(`${url}/v1/chain`)
    assert.equal(answer.status, 200)
    assert.deepEqual(await answer.json(), { chainId: chain.anvil.chainId, token: contracts.token, distributor: contracts.distributor, vault: contracts.vault })
  } finally {
    coordinator.kill('SIGTERM')
    await exited
  }
  assert.ok(!stderr().includes(ANVIL_DEV_KEYS[1].slice(2)), 'the key is never printed')

  await chmod(keyFile, 0o644)
  const refused = runCli(['coordinator', '--port', '0', '--data-dir', join(dataDir, 'refused'), '--no-dashboard', ...chainFlags])
  const refusedStderr = collect(refused.stderr)
  const exit = await waitForExit(refused)
  assert.equal(exit.code, 2, 'a bad config exits 2')
  assert.match(refusedStderr(), /settlerKeyFile: .*chmod 600/)
  assert.ok(!refusedStderr().includes(ANVIL_DEV_KEYS[1].slice(2)))
})
