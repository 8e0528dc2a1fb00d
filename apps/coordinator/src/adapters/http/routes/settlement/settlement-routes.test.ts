import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ANVIL_DEV_KEYS, deployNetworkContracts } from '@meson/contracts'
import { openTestChain } from '@meson/contracts/testing'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import type { Hex } from 'viem'
import { parseConfig } from '../../../../config/parse-config.ts'
import { operatorPendingLedgerAccount } from '../../../../ledger/ledger-accounts.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import type { ChainSettlementOptions } from '../../../chain/start-chain-settlement.ts'
import { createCountryLookup } from '../../../../routing/country-lookup.ts'
import { createLogger } from '../../../log/create-logger.ts'

async function startOn(t: { after: (fn: () => Promise<void>) => void }, chain: ChainSettlementOptions | undefined): Promise<RunningCoordinator> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-settlement-'))
  const parsed = parseConfig({ flags: { port: '0', adminToken: 'a'.repeat(32), dataDir, db: `sqlite:${join(dataDir, 'db.sqlite')}` } })
  assert.ok(parsed.ok)
  const coordinator = await startCoordinator(parsed.config, { startFleetTimers: false, logger: createLogger({ level: 'silent' }), geo: createCountryLookup(() => undefined), ...(chain === undefined ? {} : { chain }) })
  t.after(async () => {
    await coordinator.close()
    await rm(dataDir, { recursive: true, force: true })
  })
  return coordinator
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

test('without a chain, GET /v1/chain and GET /v1/claims/:address answer 404 NO_CHAIN', async (t) => {
  const coordinator = await startOn(t, undefined)
  const chain = await getJson(`${coordinator.url}/v1/chain`)
  assert.equal(chain.status, 404)
  assert.deepEqual(chain.body, { error: { code: 'NO_CHAIN', message: 'this coordinator is not configured with a chain' } })
  const claim = await getJson(`${coordinator.url}/v1/claims/0x70997970c51812dc3a010c7d01b50e0d17dc79c8`)
  assert.equal(claim.status, 404)
  assert.equal((claim.body.error as { code: string }).code, 'NO_CHAIN')
})

test('GET /v1/claims/:address serves a proof OpenZeppelin verifies, refuses bad checksums, and says NO_CLAIM for strangers', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const [deployer, settler, payout] = chain.wallets
  assert.ok(deployer && settler && payout)
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient: chain.publicClient, minter: deployer.account.address, settler: settler.account.address })
  const coordinator = await startOn(t, { rpcUrl: chain.anvil.rpcUrl, chainId: chain.anvil.chainId, ...contracts, settlerKey: ANVIL_DEV_KEYS[1], depositPollMs: 60_000 })
  const operator = await coordinator.store.createAccount({ name: 'Op', role: 'operator', payoutAddress: payout.account.address.toLowerCase() })
  await coordinator.store.postTransaction({ id: 'earn-1', kind: 'test-usage', entries: [{ ledgerAccount: 'system:test', amount: -1234n }, { ledgerAccount: operatorPendingLedgerAccount(operator.id), amount: 1234n }] })
  assert.equal((await coordinator.settlement?.settler.settle())?.status, 'settled')

  const info = await getJson(`${coordinator.url}/v1/chain`)
  assert.deepEqual(info.body, { chainId: chain.anvil.chainId, token: contracts.token, distributor: contracts.distributor, vault: contracts.vault })

  const claim = await getJson(`${coordinator.url}/v1/claims/${payout.account.address}`)
  assert.equal(claim.status, 200)
  assert.equal(claim.body.cumulativeAmount, '1234')
  assert.equal(claim.body.claimed, '0')
  assert.equal(claim.body.distributor, contracts.distributor)
  assert.equal(claim.body.chainId, chain.anvil.chainId)
  assert.equal(StandardMerkleTree.verify(claim.body.root as Hex, ['address', 'uint256'], [payout.account.address, 1234n], claim.body.proof as Hex[]), true)
  // All-lowercase carries no checksum and is accepted; mixed case must be a valid EIP-55 checksum.
  assert.equal((await getJson(`${coordinator.url}/v1/claims/${payout.account.address.toLowerCase()}`)).status, 200)
  const flipped = payout.account.address.replace(/[a-f]/, (letter) => letter.toUpperCase())
  const badChecksum = await getJson(`${coordinator.url}/v1/claims/${flipped}`)
  assert.equal(badChecksum.status, 400)
  assert.equal((badChecksum.body.error as { code: string }).code, 'INVALID_REQUEST')
  const stranger = await getJson(`${coordinator.url}/v1/claims/${deployer.account.address}`)
  assert.equal(stranger.status, 404)
  assert.equal((stranger.body.error as { code: string }).code, 'NO_CLAIM')
})
