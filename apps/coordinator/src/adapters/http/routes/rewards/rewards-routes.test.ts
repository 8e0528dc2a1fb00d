import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { parseConfig } from '../../../../config/parse-config.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import { closeEpoch } from '../../../../rewards/close-epoch.ts'
import { DEFAULT_SCORE_CONFIG } from '../../../../rewards/score-config.ts'
import { SCENARIO_EMISSION, SCENARIO_EPOCH, SCENARIO_NODES, SCENARIO_PROBES } from '../../../../testing/rewards-scenario.ts'
import type { CoordinatorStores } from '../../../../store/coordinator-stores.ts'
import { openStores } from '../../../db/open-store.ts'
import { createLogger } from '../../../log/create-logger.ts'
import { readJsonField as field } from '../../../../testing/read-json-field.ts'
import { probeOriginBody } from '../../../../probes/probe-origin-body.ts'
import { rawBlockCid } from '../../../../probes/probe-ipfs-block.ts'
import { sha256Hex } from '../../../probes/http-probe-runner.ts'

const ADMIN_TOKEN = 'admin-test-token-0123456789abcdef'

describe('rewards API: GET /v1/epochs, /v1/earnings, /v1/nodes/:id/score', () => {
  let coordinator: RunningCoordinator
  let stores: CoordinatorStores
  let dataDir: string
  let operator: { id: AccountId; token: string }
  let other: { id: AccountId; token: string }

  async function call(path: string, token?: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${coordinator.url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
    return { status: response.status, body: await response.json() }
  }

  async function createOperator(name: string): Promise<{ id: AccountId; token: string }> {
    const response = await fetch(`${coordinator.url}/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, role: 'operator' }),
    })
    const body: unknown = await response.json()
    return { id: String(field(body, 'account', 'id')) as AccountId, token: String(field(body, 'token')) }
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meson-rewards-api-'))
    const parsed = parseConfig({ flags: { port: '0', adminToken: ADMIN_TOKEN, dataDir, db: 'sqlite::memory:' } })
    assert.ok(parsed.ok)
    stores = await openStores({ url: 'sqlite::memory:' })
    coordinator = await startCoordinator(parsed.config, { stores, logger: createLogger({ level: 'silent' }), startFleetTimers: false })
    operator = await createOperator('op-one')
    other = await createOperator('op-two')
    const rewardsStore = stores.rewards
    await rewardsStore.saveProbeResults(SCENARIO_PROBES)
    // The scenario's nodes, with node-a and node-cheat run by the real operator.
    const nodes = SCENARIO_NODES.map((node) => (node.id === 'node-a' || node.id === 'node-cheat' ? { ...node, operatorId: operator.id } : node))
    const result = await closeEpoch(SCENARIO_EPOCH, {
      rewardsStore,
      listNodes: () => Promise.resolve(nodes),
      postTransaction: (tx) => coordinator.store.postTransaction(tx),
      emissionSchedule: SCENARIO_EMISSION,
      scoreConfig: DEFAULT_SCORE_CONFIG,
      now: () => SCENARIO_EPOCH.endMs + 1,
    })
    assert.equal(result.status, 'closed')
  })

  after(async () => {
    await coordinator.close()
    await stores.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('lists the network\'s epochs publicly with their totals', async () => {
    const answer = await call('/v1/epochs')
    assert.equal(answer.status, 200)
    const epochs = field(answer.body, 'epochs') as Record<string, unknown>[]
    assert.equal(epochs.length, 1)
    const [epoch] = epochs
    assert.ok(epoch !== undefined)
    assert.equal(epoch['id'], SCENARIO_EPOCH.id)
    assert.equal(epoch['emission'], '1000000000000000000003')
    assert.equal(epoch['nodesRewarded'], 3)
    assert.equal(epoch['startedAt'], new Date(SCENARIO_EPOCH.startMs).toISOString())
  })

  it('answers an operator\'s earnings per epoch by source, with a total that matches the ledger', async () => {
    const answer = await call('/v1/earnings', operator.token)
    assert.equal(answer.status, 200)
    const earnings = field(answer.body, 'earnings') as { source: string; amount: string }[]
    assert.deepEqual(earnings.map((row) => row.source), ['emission'])
    const pending = await coordinator.store.getBalance(`operator:${operator.id}:pending`)
    assert.equal(field(answer.body, 'total'), pending.toString())
  })

  it('explains a node\'s score factor by factor, and why a cheating node scored 0', async () => {
    const answer = await call('/v1/nodes/node-cheat/score', operator.token)
    assert.equal(answer.status, 200)
    assert.equal(field(answer.body, 'score'), 0)
    assert.equal(field(answer.body, 'factors', 'correctness', 'value'), 0)
    assert.equal(typeof field(answer.body, 'factors', 'bandwidth', 'howToRaise'), 'string')
    assert.equal(field(answer.body, 'factors', 'bandwidth', 'measurements', 'measuredMbps'), 2000)
    const penalties = field(answer.body, 'penalties') as { kind: string; reason: string; epochId: string }[]
    assert.deepEqual(penalties.map((penalty) => [penalty.kind, penalty.epochId]), [['content-probe-failed', SCENARIO_EPOCH.id]])
  })

  it('does not show a node\'s score to another operator, nor to anyone without a token', async () => {
    const foreign = await call('/v1/nodes/node-a/score', other.token)
    assert.equal(foreign.status, 404)
    assert.equal(field(foreign.body, 'error', 'code'), 'SCORE_NOT_FOUND')
    assert.equal((await call('/v1/nodes/node-a/score')).status, 401)
  })

  it('refuses a bad limit with a 400 and a stable code', async () => {
    const answer = await call('/v1/epochs?limit=0')
    assert.equal(answer.status, 400)
    assert.equal(field(answer.body, 'error', 'code'), 'INVALID_REQUEST')
  })

  it('serves probe-origin objects derived from the token, and refuses a bad token', async () => {
    const token = 'A'.repeat(24)
    const response = await fetch(`${coordinator.url}/v1/probe-origin/${token}/1000`)
    assert.equal(response.status, 200)
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), probeOriginBody(token, 1000))
    assert.equal((await call('/v1/probe-origin/short/10')).status, 400)
  })

  it('answers the IPFS probe upstream like a one-block trustless gateway: that block for its CID, 404 for any other, 400 for a bad token', async () => {
    const token = 'B'.repeat(24)
    const block = probeOriginBody(token, 1500)
    const cid = rawBlockCid(sha256Hex(block))
    const response = await fetch(`${coordinator.url}/v1/probe-ipfs/${token}/1500/ipfs/${cid}?format=raw`, { headers: { accept: 'application/vnd.ipld.raw' } })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/vnd.ipld.raw')
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), block)
    const other = await call(`/v1/probe-ipfs/${token}/1501/ipfs/${cid}?format=raw`)
    assert.equal(other.status, 404)
    assert.equal(field(other.body, 'error', 'code'), 'NOT_FOUND')
    assert.equal((await call(`/v1/probe-ipfs/short/10/ipfs/${cid}`)).status, 400)
    assert.equal((await call(`/v1/probe-ipfs/${token}/1500/ipfs/${cid}?format=car`)).status, 400)
  })

  it('documents the three routes in the OpenAPI document', async () => {
    const answer = await call('/v1/openapi.json')
    const paths = field(answer.body, 'paths') as Record<string, unknown>
    for (const path of ['/v1/epochs', '/v1/earnings', '/v1/nodes/{id}/score']) assert.ok(path in paths, path)
  })
})
