import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { createHttpProbeRunner, sha256Hex } from '../adapters/probes/http-probe-runner.ts'
import { buildNodeEpochInputs } from '../rewards/build-node-epoch-inputs.ts'
import { planEpochClose } from '../rewards/plan-epoch-close.ts'
import type { ProbeResult } from '../rewards/probe-result.ts'
import { DEFAULT_SCORE_CONFIG } from '../rewards/score-config.ts'
import { seededRandom, startCheatingNode } from '../testing/cheating-node.ts'
import type { CheatingNode, CheatMode } from '../testing/cheating-node.ts'
import { Hunters } from './hunters.ts'
import { probeObjectPath } from './probe-origin-body.ts'

const EPOCH = { id: '0', startMs: 0, endMs: 3_600_000 }
const GB = 1_000_000_000n

describe('hunters against honest and cheating nodes (real sockets on 127.0.0.1)', () => {
  const nodes: CheatingNode[] = []
  after(async () => {
    for (const node of nodes) await node.close()
  })

  async function hunt(mode: CheatMode, rounds: number, seed: number): Promise<ProbeResult[]> {
    const node = await startCheatingNode(mode, { wrongEvery: 3 })
    nodes.push(node)
    const saved: ProbeResult[] = []
    const hunters = new Hunters({
      listNodes: () => Promise.resolve([{ id: `node-${mode}`, publicUrl: node.url }]),
      runProbe: createHttpProbeRunner({
        probeUrl: (probe, target) => (probe.kind === 'reachability' ? `${target.publicUrl}/` : `${target.publicUrl}${probeObjectPath(probe.token, probe.sizeBytes)}`),
        timeoutMs: 10_000,
        maxBodyBytes: 16 * 1024 * 1024,
      }),
      saveResults: (results) => {
        saved.push(...results)
        return Promise.resolve()
      },
      sha256: sha256Hex,
      settings: { intervalMs: 60_000, contentMaxBytes: 64 * 1024, speedBytes: 256 * 1024 },
      capMbps: 1500,
      random: seededRandom(seed),
      now: () => 1000,
    })
    for (let round = 0; round < rounds; round += 1) await hunters.probeNode({ id: `node-${mode}`, publicUrl: node.url })
    return saved
  }

  it('passes every probe of an honest node and measures its speed', async () => {
    const results = await hunt('honest', 3, 1)
    assert.deepEqual(results.filter((result) => result.outcome === 'fail'), [])
    const speed = results.find((result) => result.kind === 'speed')
    assert.equal(typeof speed?.measurements['mbps'], 'number')
  })

  it('catches a node serving wrong bytes for some objects within 3 content probes', async () => {
    // The node corrupts every 3rd object it serves; a round fetches a content and a speed object.
    const results = await hunt('wrong-bytes', 3, 2)
    const content = results.filter((result) => result.kind === 'content')
    assert.equal(content.length, 3)
    const firstFailure = content.findIndex((result) => result.outcome === 'fail')
    assert.ok(firstFailure >= 0 && firstFailure < 3, 'caught within 3 content probes')
    assert.match(content[firstFailure]?.reason ?? '', /SHA-256/)
  })

  it('catches a node answering probes from a canned response on the first content probe', async () => {
    const results = await hunt('canned', 1, 3)
    const content = results.find((result) => result.kind === 'content')
    assert.equal(content?.outcome, 'fail')
  })

  it('gives the caught node 0 for the epoch with the reason, while the honest one earns the whole emission', async () => {
    const honest = await hunt('honest', 1, 4)
    const cheat = await hunt('canned', 1, 5)
    const probes = [...honest, ...cheat].map((result) => ({
      id: result.id,
      nodeId: result.nodeId,
      kind: result.kind,
      outcome: result.outcome,
      reason: result.reason,
      mbps: typeof result.measurements['mbps'] === 'number' ? result.measurements['mbps'] : null,
    }))
    const fleet = ['honest', 'canned'].map((mode, index) => ({
      id: `node-${mode}`,
      operatorId: `op-${mode}` as AccountId,
      publicIp: `198.51.${index}.1`,
      diskQuotaBytes: 100n * GB,
      registeredAt: new Date(0),
      lastHeartbeatAt: new Date(10),
    }))
    const plan = planEpochClose({
      epoch: EPOCH,
      emission: 999_999n,
      nodes: buildNodeEpochInputs(fleet, { probes, previous: new Map(), usageEarnings: new Map() }, EPOCH),
      usageEarnings: new Map(),
      config: DEFAULT_SCORE_CONFIG,
    })
    assert.deepEqual(plan.payouts.map((payout) => [payout.operatorId, payout.amount]), [['op-honest', 999_999n]])
    const caught = plan.scores.find((score) => score.nodeId === 'node-canned')
    assert.equal(caught?.weight, 0n)
    assert.match(caught.penalties[0]?.reason ?? '', /wrong bytes/)
  })
})

describe('Hunters.stop', () => {
  it('waits for the round in flight, so its results are stored before the store closes, and schedules no more', async () => {
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let called: () => void = () => undefined
    const firstProbe = new Promise<void>((resolve) => {
      called = resolve
    })
    let probesSent = 0
    const saved: ProbeResult[] = []
    const hunters = new Hunters({
      listNodes: () => Promise.resolve([{ id: 'node-a', publicUrl: 'http://127.0.0.1:9' }]),
      runProbe: async () => {
        probesSent += 1
        called()
        await released
        return { ok: false, error: 'ECONNREFUSED', elapsedMs: 1 }
      },
      saveResults: (results) => {
        saved.push(...results)
        return Promise.resolve()
      },
      sha256: sha256Hex,
      settings: { intervalMs: 1, contentMaxBytes: 16, speedBytes: 16 },
      capMbps: 1500,
      random: seededRandom(9),
      now: () => 1000,
    })
    hunters.start()
    await firstProbe
    const stopped = hunters.stop()
    assert.equal(saved.length, 0)
    release()
    await stopped
    assert.equal(saved.length, 3, 'the whole round was stored')
    assert.equal(probesSent, 3, 'no round started after stop')
  })
})
