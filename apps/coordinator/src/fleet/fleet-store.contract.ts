import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair, nodeIdFromPublicKey, publicKeyToString } from '@meson/protocol'
import type { AccountId, NodeId } from '@meson/protocol'
import type { FleetNodeInput, FleetStore, StoredCommand } from './fleet-store.ts'
import type { Store } from '../store/store.ts'

/** A fresh store and the fleet store sharing its database. */
export interface FleetStorePair {
  readonly store: Store
  readonly fleetStore: FleetStore
}

function nodeInput(operatorId: AccountId, overrides: Partial<FleetNodeInput> = {}): FleetNodeInput {
  const { publicKey } = generateKeyPair()
  return {
    id: nodeIdFromPublicKey(publicKey),
    operatorId,
    publicKey: publicKeyToString(publicKey),
    publicUrl: 'http://127.0.0.1:9000',
    version: '0.1.0',
    status: 'active',
    publicIp: '127.0.0.1',
    diskQuotaBytes: 10n ** 12n,
    declaredUplinkMbps: 100,
    capabilities: ['cdn', 'proxy'],
    isReachable: true,
    ...overrides,
  }
}

function command(id: string, nodeId: NodeId, overrides: Partial<StoredCommand> = {}): StoredCommand {
  return { id, nodeId, purgeId: null, payload: `{"id":"${id}"}`, issuedAtMs: 1_000, expiresAtMs: 100_000, ackedAtMs: null, ...overrides }
}

/**
 * The compliance suite of the `FleetStore` port, run against SQLite and PostgreSQL.
 * Pins down: saveNode is an upsert that keeps registeredAt/lastHeartbeatAt; byte
 * counts survive beyond 2^53; acknowledgements count once and only for the addressee.
 */
export function runFleetStoreContract(label: string, openFresh: () => Promise<FleetStorePair>): void {
  async function withStores(run: (pair: FleetStorePair, operatorId: AccountId) => Promise<void>): Promise<void> {
    const pair = await openFresh()
    try {
      const operator = await pair.store.createAccount({ name: 'Operator', role: 'operator' })
      await run(pair, operator.id)
    } finally {
      await pair.store.close()
    }
  }

  describe(`FleetStore contract: ${label}`, () => {
    it('saves a node and reads every field back, quota beyond 2^53 exactly', () =>
      withStores(async ({ fleetStore }, operatorId) => {
        const input = nodeInput(operatorId, { diskQuotaBytes: 2n ** 60n + 1n })
        const saved = await fleetStore.saveNode(input)
        assert.deepEqual({ ...saved, registeredAt: undefined, lastHeartbeatAt: undefined }, { ...input, registeredAt: undefined, lastHeartbeatAt: undefined })
        assert.equal(saved.lastHeartbeatAt, null)
        assert.deepEqual(await fleetStore.getFleetNode(input.id), saved)
      }))

    it('updates a node on a second save and keeps its registration and heartbeat times', () =>
      withStores(async ({ fleetStore }, operatorId) => {
        const input = nodeInput(operatorId)
        const first = await fleetStore.saveNode(input)
        await fleetStore.recordHeartbeats([{ id: input.id, at: new Date(5_000) }])
        const second = await fleetStore.saveNode({ ...input, publicUrl: 'http://127.0.0.1:9001', version: '0.2.0', isReachable: false, status: 'pending' })
        assert.equal(second.publicUrl, 'http://127.0.0.1:9001')
        assert.equal(second.version, '0.2.0')
        assert.equal(second.isReachable, false)
        assert.equal(second.status, 'pending')
        assert.deepEqual(second.registeredAt, first.registeredAt)
        assert.deepEqual(second.lastHeartbeatAt, new Date(5_000))
      }))

    it('lists nodes per operator and finds them by public IP', () =>
      withStores(async ({ store, fleetStore }, operatorId) => {
        const other = await store.createAccount({ name: 'Other', role: 'operator' })
        const a = await fleetStore.saveNode(nodeInput(operatorId, { publicIp: '203.0.113.7' }))
        const b = await fleetStore.saveNode(nodeInput(other.id, { publicIp: '203.0.113.8' }))
        assert.deepEqual((await fleetStore.listFleetNodes({ operatorId })).map((node) => node.id), [a.id])
        assert.equal((await fleetStore.listFleetNodes()).length, 2)
        assert.deepEqual((await fleetStore.findNodesByPublicIp('203.0.113.8')).map((node) => node.id), [b.id])
        assert.deepEqual(await fleetStore.findNodesByPublicIp('198.51.100.1'), [])
      }))

    it('sets statuses and heartbeat times in batches, ignoring unknown nodes', () =>
      withStores(async ({ fleetStore }, operatorId) => {
        const a = await fleetStore.saveNode(nodeInput(operatorId))
        const ghost = nodeInput(operatorId).id
        await fleetStore.setNodeStatuses([
          { id: a.id, status: 'down' },
          { id: ghost, status: 'down' },
        ])
        await fleetStore.recordHeartbeats([
          { id: a.id, at: new Date(7_000) },
          { id: ghost, at: new Date(7_000) },
        ])
        const read = await fleetStore.getFleetNode(a.id)
        assert.equal(read?.status, 'down')
        assert.deepEqual(read.lastHeartbeatAt, new Date(7_000))
        assert.equal(await fleetStore.getFleetNode(ghost), undefined)
      }))

    it('keeps commands pending until acknowledged by their own node, once', () =>
      withStores(async ({ fleetStore }, operatorId) => {
        const a = await fleetStore.saveNode(nodeInput(operatorId))
        const b = await fleetStore.saveNode(nodeInput(operatorId))
        await fleetStore.saveCommands([command('cmd_aaaaaaaaaaaaaaaaaaaa', a.id), command('cmd_bbbbbbbbbbbbbbbbbbbb', b.id, { issuedAtMs: 2_000 })])
        await fleetStore.saveCommands([command('cmd_aaaaaaaaaaaaaaaaaaaa', a.id, { payload: 'changed' })])
        assert.deepEqual((await fleetStore.listPendingCommands(50_000)).map((c) => [c.id, c.payload]), [
          ['cmd_aaaaaaaaaaaaaaaaaaaa', '{"id":"cmd_aaaaaaaaaaaaaaaaaaaa"}'],
          ['cmd_bbbbbbbbbbbbbbbbbbbb', '{"id":"cmd_bbbbbbbbbbbbbbbbbbbb"}'],
        ])
        assert.equal(await fleetStore.acknowledgeCommands(a.id, ['cmd_bbbbbbbbbbbbbbbbbbbb'], new Date(3_000)), 0)
        assert.equal(await fleetStore.acknowledgeCommands(a.id, ['cmd_aaaaaaaaaaaaaaaaaaaa'], new Date(3_000)), 1)
        assert.equal(await fleetStore.acknowledgeCommands(a.id, ['cmd_aaaaaaaaaaaaaaaaaaaa'], new Date(4_000)), 0)
        assert.deepEqual((await fleetStore.listPendingCommands(50_000)).map((c) => c.id), ['cmd_bbbbbbbbbbbbbbbbbbbb'])
        assert.deepEqual(await fleetStore.listPendingCommands(100_000), [], 'expired commands are no longer pending')
      }))

    it('stores a purge with its per-node commands and reports acknowledgements', () =>
      withStores(async ({ fleetStore }, operatorId) => {
        const a = await fleetStore.saveNode(nodeInput(operatorId))
        const b = await fleetStore.saveNode(nodeInput(operatorId))
        const purgeId = 'pg_aaaaaaaaaaaaaaaaaaaa'
        await fleetStore.createPurge({ id: purgeId, zoneName: 'site', accountId: operatorId, createdAt: new Date(1_000) }, [
          command('cmd_cccccccccccccccccccc', a.id, { purgeId }),
          command('cmd_dddddddddddddddddddd', b.id, { purgeId }),
        ])
        await fleetStore.acknowledgeCommands(b.id, ['cmd_dddddddddddddddddddd'], new Date(2_000))
        const purge = await fleetStore.getPurge(purgeId)
        assert.equal(purge?.zoneName, 'site')
        assert.deepEqual(purge.createdAt, new Date(1_000))
        const acked = new Map(purge.targets.map((target) => [target.nodeId, target.ackedAtMs]))
        assert.equal(acked.get(a.id), null)
        assert.equal(acked.get(b.id), 2_000)
        assert.equal(await fleetStore.getPurge('pg_missingmissingmissing'), undefined)
      }))
  })
}
