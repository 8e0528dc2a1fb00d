import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { IssuedTicket } from './issued-ticket.ts'
import { ObjectSizeLearner } from './learn-object-sizes.ts'

function ticket(path: string, overrides: Partial<IssuedTicket> = {}): IssuedTicket {
  return { nonce: `n${path}`, nodeId: 'node', zone: 'site', path, prefix: false, client: '127.0.0.1', issuedAt: 0, expiresAt: 1, byteBudget: 1n, ...overrides }
}

function learner(options: { sizes?: Record<string, bigint>; maxPerBatch?: number; maxRemembered?: number } = {}) {
  const asked: string[] = []
  const recorded: string[] = []
  let now = 1_000
  let release: () => void = () => undefined
  let gate: Promise<void> | undefined
  const instance = new ObjectSizeLearner({
    originOf: (zone) => (zone.startsWith('site') ? 'http://origin.test' : undefined),
    measure: async (origin, path) => {
      asked.push(`${origin}${path}`)
      if (gate !== undefined) await gate
      return options.sizes?.[path]
    },
    record: (zone, path, sizeBytes, atMs) => {
      recorded.push(`${zone}${path}=${String(sizeBytes)}@${String(atMs)}`)
      return Promise.resolve()
    },
    now: () => now,
    refreshMs: 100,
    maxPerBatch: options.maxPerBatch ?? 16,
    maxRemembered: options.maxRemembered ?? 100,
  })
  return {
    instance,
    asked,
    recorded,
    advance: (ms: number) => {
      now += ms
    },
    hold: () => {
      gate = new Promise((resolve) => {
        release = resolve
      })
    },
    release: () => release(),
  }
}

describe('ObjectSizeLearner', () => {
  it('asks again at once for the objects of a zone it forgot (deleted, its name taken again), and only for that zone', async () => {
    const world = learner({ sizes: { '/a.bin': 119n } })
    await world.instance.learn([ticket('/a.bin'), ticket('/a.bin', { zone: 'site2', nonce: 'two' })])
    assert.equal(world.asked.length, 2)
    world.instance.forgetZone('site')
    await world.instance.learn([ticket('/a.bin', { nonce: 'again' }), ticket('/a.bin', { zone: 'site2', nonce: 'two-again' })])
    assert.deepEqual(world.asked, ['http://origin.test/a.bin', 'http://origin.test/a.bin', 'http://origin.test/a.bin'])
    assert.equal(world.recorded.at(-1), 'site/a.bin=119@1000')
  })

  it("asks the origin once per object, stores a size it gives, and asks again only after the refresh time", async () => {
    const world = learner({ sizes: { '/a.bin': 119n } })
    await world.instance.learn([ticket('/a.bin'), ticket('/a.bin', { nonce: 'other' }), ticket('/b.bin')])
    assert.deepEqual(world.asked, ['http://origin.test/a.bin', 'http://origin.test/b.bin'])
    assert.deepEqual(world.recorded, ['site/a.bin=119@1000'])
    world.advance(99)
    await world.instance.learn([ticket('/a.bin'), ticket('/b.bin')])
    assert.equal(world.asked.length, 2)
    world.advance(1)
    await world.instance.learn([ticket('/b.bin')])
    assert.equal(world.asked.length, 3)
  })

  it('skips prefix tickets and zones without an origin, and measures at most maxPerBatch objects per batch', async () => {
    const world = learner({ maxPerBatch: 2 })
    await world.instance.learn([ticket('/dir/', { prefix: true }), ticket('/x', { zone: 'ipfs-zone' }), ticket('/1'), ticket('/2'), ticket('/3')])
    assert.deepEqual(world.asked, ['http://origin.test/1', 'http://origin.test/2'])
  })

  it('makes a concurrent batch of the same object wait for the measurement in flight', async () => {
    const world = learner({ sizes: { '/a.bin': 5n } })
    world.hold()
    const first = world.instance.learn([ticket('/a.bin')])
    let isSecondDone = false
    const second = world.instance.learn([ticket('/a.bin')]).then(() => {
      isSecondDone = true
    })
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(isSecondDone, false)
    world.release()
    await Promise.all([first, second])
    assert.deepEqual(world.asked, ['http://origin.test/a.bin'])
    assert.deepEqual(world.recorded, ['site/a.bin=5@1000'])
  })
})
