/**
 * Issue #11, verified disk end to end on real sockets (ADR 0012 "Verified disk"): a real
 * coordinator with the hunters and proof of storage on, two real nodes in coordinator
 * mode — one honest, one that deletes each segment of fill right after confirming it and
 * answers challenges with made-up bytes (`cheatingStorage` of `@meson/node/testing`).
 * Both fill their offered disk with segments served once; the honest node passes every
 * storage challenge and its epoch score verifies the fill it holds; the cheater fails
 * within its first challenged round, and its epoch's verified disk (so its storage
 * factor and score) is 0, with the reason.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import type { RunningCoordinatorNode } from '@meson/node'
import { cheatingStorage } from '@meson/node/testing'
import { openStores, readJsonField as field } from '@meson/coordinator/testing'
import type { CoordinatorStores, ProbeResult } from '@meson/coordinator/testing'
import { api, until } from './e2e-http.ts'
import { startRegisteredNode } from './e2e-nodes.ts'

const ADMIN_TOKEN = 'e2e-admin-token-storage-0123456789'
const SEGMENT = 64 * 1024
/** The most fill one node is given: four segments. */
const MAX_FILL = 4 * SEGMENT
const EPOCH_MS = 1000

describe('verified disk: proof of storage through real nodes (SQLite, real sockets on 127.0.0.1)', () => {
  let dir = ''
  let stores: CoordinatorStores
  let coordinator: RunningCoordinator
  let honest: RunningCoordinatorNode
  let cheater: RunningCoordinatorNode
  const dropped: number[] = []
  const nodes: RunningCoordinatorNode[] = []

  const resultsOf = async (nodeId: string): Promise<readonly ProbeResult[]> => (await stores.rewards.listProbeResults(nodeId, 0, Number.MAX_SAFE_INTEGER)).filter((row) => row.kind === 'storage')

  async function startNode(name: string, operatorToken: string, cheat: boolean): Promise<RunningCoordinatorNode> {
    const flags: Record<string, string> = {
      coordinatorUrl: coordinator.url,
      operatorToken,
      host: '127.0.0.1',
      port: '0',
      dataDir: join(dir, name),
      cacheSizeBytes: '64MiB',
      heartbeatIntervalMs: '1000',
      usageFlushIntervalMs: '100',
      shutdownGraceMs: '1000',
      storageFillIntervalMs: '200',
    }
    return startRegisteredNode(flags, { dependencies: cheat ? { storageCheat: cheatingStorage(dropped) } : {}, onStarted: (node) => nodes.push(node) })
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-storage-proofs-'))
    const logger = createLogger({ level: 'silent' })
    stores = await openStores({ url: `sqlite:${join(dir, 'coordinator.db')}`, logger })
    const parsed = parseConfig({
      flags: {
        port: '0',
        host: '127.0.0.1',
        dataDir: join(dir, 'coordinator'),
        adminToken: ADMIN_TOKEN,
        allowSharedIp: true,
        heartbeatIntervalMs: '1000',
        probesEnabled: 'true',
        probeIntervalMs: '400',
        storageSegmentBytes: String(SEGMENT),
        storageProofMaxBytes: String(MAX_FILL),
        storageChallengeBytes: '4096',
        epochLengthMs: String(EPOCH_MS),
        epochCloseDelayMs: '1000',
        rewardsOneNodePerIp: 'false',
        logLevel: 'silent',
      },
    })
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message)
    coordinator = await startCoordinator(parsed.config, { logger, stores, startRewardsTimer: false, probeObjectBytes: { contentMaxBytes: 4 * 1024, speedBytes: 64 * 1024, ipfsContentMaxBytes: 4 * 1024 } })
    const operator = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'storage-operator', role: 'operator' } })
    const operatorToken = String(field(operator.body, 'token'))
    honest = await startNode('honest', operatorToken, false)
    cheater = await startNode('cheater', operatorToken, true)
  })

  after(async () => {
    for (const node of nodes) await node.stop()
    await coordinator.close()
    await stores.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('fills the honest node to its share with segments it keeps on disk, and passes its storage challenges', async () => {
    const results = await until(
      () => resultsOf(honest.nodeId),
      (rows) => rows.filter((row) => row.outcome === 'pass' && row.measurements['heldBytes'] === MAX_FILL).length >= 2,
      'two passed storage probes of the honest node holding its whole share',
      60_000,
    )
    assert.deepEqual(results.filter((row) => row.outcome === 'fail').map((row) => row.reason), [])
    const held = await stores.storageSegments.listHeldSegments(honest.nodeId)
    assert.equal(held.length, MAX_FILL / SEGMENT)
    const files = await readdir(join(dir, 'honest', 'storage-proof'))
    assert.ok(files.length >= held.length, `the segments are files on the node's disk: ${files.join(', ')}`)
    const challenged = results.find((row) => row.outcome === 'pass' && typeof row.measurements['segment'] === 'number')
    assert.ok(challenged, 'a challenge read a real range')
    assert.equal(challenged.measurements['length'], 4096)
  })

  it('catches the cheater that dropped its fill: a failed challenge, the segment ended as lost', async () => {
    const results = await until(() => resultsOf(cheater.nodeId), (rows) => rows.some((row) => row.outcome === 'fail'), 'a failed storage probe of the cheater', 60_000)
    const withFill = results.filter((row) => Number(row.measurements['heldBytes']) > 0)
    // A challenge landing in the instant between the confirm and the file's deletion still
    // finds the bytes; any later one cannot: caught within its first three challenges.
    const caughtAt = withFill.findIndex((row) => row.outcome === 'fail')
    assert.ok(caughtAt >= 0 && caughtAt < 3, `caught within 3 challenges (at ${String(caughtAt)})`)
    const first = withFill[caughtAt]
    assert.ok(first)
    assert.match(first.reason, /wrong proof/)
    assert.ok(dropped.length > 0, 'the cheater did drop segments')
    const lostSegment = Number(first.measurements['segment'])
    assert.equal(await stores.storageSegments.findLiveSegment(cheater.nodeId, lostSegment), undefined, 'a failed segment no longer counts')
  })

  it('scores verified disk per epoch: the honest node its proven fill, the cheater 0 with the reason', async () => {
    const scored = await until(
      async () => {
        await coordinator.rewards.closeDueEpochs()
        for (const failure of (await resultsOf(cheater.nodeId)).filter((row) => row.outcome === 'fail')) {
          const epochId = String(Math.floor(failure.atMs / EPOCH_MS) * EPOCH_MS)
          const cheaterScore = await coordinator.rewards.getNodeScore(cheater.nodeId, epochId)
          const honestScore = await coordinator.rewards.getNodeScore(honest.nodeId, epochId)
          if (cheaterScore !== undefined && honestScore?.evidence.verifiedDiskBytes === BigInt(MAX_FILL)) return { cheater: cheaterScore, honest: honestScore }
        }
        return undefined
      },
      (value) => value !== undefined,
      'a closed epoch with a failed storage probe of the cheater and the honest node verified',
      60_000,
    )
    assert.ok(scored)
    assert.equal(scored.cheater.evidence.verifiedDiskBytes, 0n)
    assert.equal(scored.cheater.factors.storage, 0)
    assert.equal(scored.cheater.weight, 0n)
    assert.match(scored.cheater.penalties.find((penalty) => penalty.kind === 'storage-probe-failed')?.reason ?? '', /storage probe .*wrong proof/)
    assert.deepEqual(scored.honest.penalties.filter((penalty) => penalty.kind === 'storage-probe-failed'), [])
    // Verified fill is far below the storage curve's first point (20 GB): the factor is
    // 0 for both here; what differs is the verified disk each one is scored on.
    assert.equal(scored.honest.evidence.offeredDiskBytes, 64n * 1024n * 1024n)
  })
})
