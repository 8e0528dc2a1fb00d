import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ANVIL_DEV_KEYS, cumulativeMerkleDistributorAbi, deployNetworkContracts } from '@meson/contracts'
import { openTestChain } from '@meson/contracts/testing'
import { parseConfig } from '../../config/parse-config.ts'
import { operatorPendingLedgerAccount } from '../../ledger/ledger-accounts.ts'
import { startCoordinator } from '../../main.ts'
import { createCountryLookup } from '../../routing/country-lookup.ts'
import { createLogger } from '../log/create-logger.ts'

const EPOCH_MS = 1_000
/** A whole number of epochs, so the clock below starts at an epoch boundary. */
const START_MS = 1_800_000_000_000

test('a coordinator configured only through the chain keys answers GET /v1/chain and posts a root when an epoch closes', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const [deployer, settler, payout] = chain.wallets
  assert.ok(deployer && settler && payout)
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient: chain.publicClient, minter: deployer.account.address, settler: settler.account.address })
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-chain-config-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))
  const settlerKeyFile = join(dataDir, 'settler.key')
  await writeFile(settlerKeyFile, `${ANVIL_DEV_KEYS[1]}\n`)
  await chmod(settlerKeyFile, 0o600)
  // Text values, as the environment gives them; the addresses lowercase (no checksum to check).
  const parsed = parseConfig({
    env: {
      MESON_CHAIN_RPC_URL: chain.anvil.rpcUrl,
      MESON_CHAIN_ID: String(chain.anvil.chainId),
      MESON_TOKEN_ADDRESS: contracts.token.toLowerCase(),
      MESON_DISTRIBUTOR_ADDRESS: contracts.distributor,
      MESON_VAULT_ADDRESS: contracts.vault,
      MESON_SETTLER_KEY_FILE: settlerKeyFile,
      MESON_CHAIN_CONFIRMATIONS: '1',
    },
    flags: { port: '0', adminToken: 'a'.repeat(32), dataDir, db: `sqlite:${join(dataDir, 'db.sqlite')}`, epochLengthMs: String(EPOCH_MS), epochCloseDelayMs: '0' },
  })
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message)
  let nowMs = START_MS
  const coordinator = await startCoordinator(parsed.config, { startFleetTimers: false, now: () => nowMs, logger: createLogger({ level: 'silent' }), geo: createCountryLookup(() => undefined) })
  t.after(() => coordinator.close())

  const info = await fetch(`${coordinator.url}/v1/chain`)
  assert.equal(info.status, 200)
  assert.deepEqual(await info.json(), { chainId: chain.anvil.chainId, token: contracts.token, distributor: contracts.distributor, vault: contracts.vault })

  const operator = await coordinator.store.createAccount({ name: 'Op', role: 'operator', payoutAddress: payout.account.address.toLowerCase() })
  await coordinator.store.postTransaction({ id: 'earn-1', kind: 'test-usage', entries: [{ ledgerAccount: 'system:test', amount: -4321n }, { ledgerAccount: operatorPendingLedgerAccount(operator.id), amount: 4321n }] })
  const readSequence = (): Promise<bigint> => chain.publicClient.readContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'sequence' })
  assert.equal(await readSequence(), 0n, 'nothing is posted before an epoch closes')
  assert.equal((await fetch(`${coordinator.url}/v1/claims/${payout.account.address}`)).status, 404)

  // The first whole epoch after start ends; closing it settles.
  nowMs = START_MS + 2 * EPOCH_MS
  const closed = await coordinator.rewards.closeDueEpochs()
  assert.deepEqual(closed.map((epoch) => epoch.result.status), ['closed'])
  assert.ok(coordinator.settlementTrigger?.running, 'the epoch close started a settlement')
  await coordinator.settlementTrigger.running
  assert.equal(await readSequence(), 1n, 'the root is on chain')
  const claim = await fetch(`${coordinator.url}/v1/claims/${payout.account.address}`)
  assert.equal(claim.status, 200)
  const body = (await claim.json()) as { cumulativeAmount: string; root: string }
  assert.equal(body.cumulativeAmount, '4321')
  assert.equal(body.root, await chain.publicClient.readContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'merkleRoot' }))

  // An epoch with no new earnings posts nothing: settlement is idempotent.
  nowMs = START_MS + 3 * EPOCH_MS
  assert.deepEqual((await coordinator.rewards.closeDueEpochs()).map((epoch) => epoch.result.status), ['closed'])
  await coordinator.settlementTrigger.running
  assert.equal(await readSequence(), 1n)
})

test('a settler key file others can read stops start-up before anything runs', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-chain-config-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))
  const settlerKeyFile = join(dataDir, 'settler.key')
  await writeFile(settlerKeyFile, ANVIL_DEV_KEYS[1])
  await chmod(settlerKeyFile, 0o644)
  const address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
  const parsed = parseConfig({
    flags: { port: '0', adminToken: 'a'.repeat(32), dataDir, db: 'sqlite::memory:', chainRpcUrl: 'http://127.0.0.1:1', chainId: '31337', tokenAddress: address, distributorAddress: address, vaultAddress: address, settlerKeyFile },
  })
  assert.ok(parsed.ok)
  await assert.rejects(startCoordinator(parsed.config, { startFleetTimers: false, logger: createLogger({ level: 'silent' }) }), /settlerKeyFile: .*chmod 600/)
})
