import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { generateKeyPair, NODE_API_ERROR_CODES, openEnvelope, usageReportSchema } from '@meson/protocol'
import { COORDINATOR_ENDPOINTS } from './coordinator-endpoints.ts'
import { errorReply, FakeCoordinator } from '../testing/fake-coordinator.ts'
import { FakeTimers } from '../testing/fake-timers.ts'
import { fixtureIdentity, nextEventArguments, recordingLogger } from '../testing/link-fixtures.ts'
import type { NodeIdentity } from '../identity/node-identity.ts'
import { UsageJournal } from './usage-journal.ts'
import { UsageOutbox } from './usage-outbox.ts'
import type { UsageOutboxEvents, UsageOutboxOptions } from './usage-outbox.ts'
import { httpUsageTransport } from './usage-transport.ts'

const root = await mkdtemp(join(tmpdir(), 'meson-usage-'))
const fakes: FakeCoordinator[] = []
after(async () => {
  for (const fake of fakes) await fake.stop().catch(() => undefined)
  await rm(root, { recursive: true, force: true })
})
let counter = 0

const ticketA = { nonce: 'tn_aaaaaaaaaaaaaaaaaaaa', zone: 'my-site', token: 'token-a' }
const ticketB = { nonce: 'tn_bbbbbbbbbbbbbbbbbbbb', zone: 'my-site', token: 'token-b' }
const ticketC = { nonce: 'tn_cccccccccccccccccccc', zone: 'other-site', token: 'token-c' }

interface Setup {
  readonly fake: FakeCoordinator
  readonly identity: NodeIdentity
  readonly dataDir: string
  readonly timers: FakeTimers
}

async function setUp(): Promise<Setup> {
  const fake = await FakeCoordinator.start()
  fakes.push(fake)
  const identity = fixtureIdentity()
  fake.trustNode(identity.nodeId, identity.publicKey)
  counter += 1
  return { fake, identity, dataDir: join(root, `node-${counter}`), timers: new FakeTimers() }
}

function newOutbox(setup: Setup, options: Partial<UsageOutboxOptions> = {}, logger = recordingLogger()): UsageOutbox {
  return new UsageOutbox(
    { nodeId: setup.identity.nodeId, privateKey: setup.identity.privateKey, publicKey: setup.identity.publicKey, ...options },
    {
      journal: new UsageJournal(setup.dataDir, logger),
      transport: httpUsageTransport({ coordinatorUrl: setup.fake.url }),
      clock: setup.timers,
      timers: setup.timers,
      random: () => 0,
      logger,
    },
  )
}

function nextOutboxEvent<K extends keyof UsageOutboxEvents>(outbox: UsageOutbox, name: K): Promise<UsageOutboxEvents[K]> {
  // The event map guarantees the argument list for `name`.
  return nextEventArguments(outbox, name) as Promise<UsageOutboxEvents[K]>
}

async function journalFiles(dataDir: string, folder = ''): Promise<string[]> {
  return (await readdir(join(dataDir, 'usage', folder), { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name)
}

describe('UsageOutbox', () => {
  it('seals metered bytes every flush interval into a batch signed by the node, journaled before it is sent', async () => {
    const setup = await setUp()
    // Hold the coordinator's answer so the journal can be inspected while the batch is in flight.
    setup.fake.override(COORDINATOR_ENDPOINTS.usage, () => 'hang-up')
    const outbox = newOutbox(setup, { flushIntervalMs: 5000 })
    await outbox.start()
    outbox.record(ticketA, 100n)
    outbox.record(ticketB, 7n)
    outbox.record(ticketA, 20n)
    const sealed = nextOutboxEvent(outbox, 'sealed')
    const retry = nextOutboxEvent(outbox, 'retry')
    setup.timers.advance(5000)
    const [{ batchId, lines }] = await sealed
    assert.match(batchId, /^ub_[a-z2-7]{20}$/)
    assert.equal(lines, 2)
    await retry
    const [file, ...others] = await journalFiles(setup.dataDir)
    assert.equal(others.length, 0)
    assert.equal(file, UsageJournal.fileNameOf({ batchId, createdAtMs: setup.timers.nowMs() }))
    const stored: unknown = JSON.parse(await readFile(join(setup.dataDir, 'usage', file), 'utf8'))
    const opened = openEnvelope('usage-report', usageReportSchema, setup.identity.publicKey, stored)
    assert.ok(opened.ok)
    assert.equal(opened.value.nodeId, setup.identity.nodeId)
    assert.deepEqual(opened.value.lines, [
      { ticketId: ticketA.nonce, zone: 'my-site', bytes: 120n, ticket: 'token-a', requests: 2 },
      { ticketId: ticketB.nonce, zone: 'my-site', bytes: 7n, ticket: 'token-b', requests: 1 },
    ])
    assert.equal(openEnvelope('usage-report', usageReportSchema, generateKeyPair().publicKey, stored).ok, false)
    // What was sent is what was journaled.
    assert.deepEqual(setup.fake.requestsTo(COORDINATOR_ENDPOINTS.usage)[0]?.body, stored)
    await outbox.stop()
  })

  it('seals as soon as maxLinesPerBatch tickets have bytes, without waiting for the timer', async () => {
    const setup = await setUp()
    const outbox = newOutbox(setup, { maxLinesPerBatch: 2 })
    await outbox.start()
    const acknowledged = nextOutboxEvent(outbox, 'acknowledged')
    outbox.record(ticketA, 1n)
    outbox.record(ticketB, 2n)
    const [{ batchId }] = await acknowledged
    assert.equal(setup.fake.usageBatches.get(batchId)?.lines.length, 2)
    assert.deepEqual(await journalFiles(setup.dataDir), [])
    await outbox.stop()
  })

  it('retries with backoff until the coordinator acknowledges, then deletes the batch file', async () => {
    const setup = await setUp()
    let failures = 0
    setup.fake.override(COORDINATOR_ENDPOINTS.usage, () => {
      if (failures === 3) return undefined
      failures += 1
      return errorReply(503, 'UNAVAILABLE', 'try later')
    })
    const outbox = newOutbox(setup)
    await outbox.start()
    outbox.record(ticketA, 42n)
    const delays: number[] = []
    let retry = nextOutboxEvent(outbox, 'retry')
    void outbox.sealNow()
    for (const attempt of [1, 2, 3]) {
      const [info] = await retry
      assert.equal(info.attempt, attempt)
      assert.match(info.reason, /503/)
      delays.push(info.retryInMs)
      assert.equal((await journalFiles(setup.dataDir)).length, 1)
      retry = nextOutboxEvent(outbox, 'retry')
      const acknowledged = attempt === 3 ? nextOutboxEvent(outbox, 'acknowledged') : undefined
      setup.timers.advance(info.retryInMs)
      if (acknowledged !== undefined) await acknowledged
    }
    // 1 s, 2 s, 4 s with jitter at random() = 0 (the fixed half).
    assert.deepEqual(delays, [500, 1000, 2000])
    assert.equal(setup.fake.requestsTo(COORDINATOR_ENDPOINTS.usage).length, 4)
    assert.equal(setup.fake.usageBatches.size, 1)
    assert.deepEqual(await journalFiles(setup.dataDir), [])
    assert.equal(outbox.pendingBatches, 0)
    await outbox.stop()
  })

  it('counts a 409 (duplicate batch) as acknowledged', async () => {
    const setup = await setUp()
    setup.fake.override(COORDINATOR_ENDPOINTS.usage, () => errorReply(409, NODE_API_ERROR_CODES.usageBatchDuplicate, 'already applied'))
    const outbox = newOutbox(setup)
    await outbox.start()
    outbox.record(ticketA, 1n)
    const acknowledged = nextOutboxEvent(outbox, 'acknowledged')
    await outbox.sealNow()
    await acknowledged
    assert.deepEqual(await journalFiles(setup.dataDir), [])
    await outbox.stop()
  })

  it('moves a batch the coordinator rejects (400) to usage/rejected/, logs it, and does not retry it', async () => {
    const setup = await setUp()
    setup.fake.override(COORDINATOR_ENDPOINTS.usage, () => errorReply(400, 'INVALID_USAGE_REPORT', 'lines for unknown tickets'))
    const logger = recordingLogger()
    const outbox = newOutbox(setup, {}, logger)
    await outbox.start()
    outbox.record(ticketA, 1n)
    const rejected = nextOutboxEvent(outbox, 'rejected')
    await outbox.sealNow()
    const [info] = await rejected
    assert.deepEqual({ status: info.status, code: info.code }, { status: 400, code: 'INVALID_USAGE_REPORT' })
    assert.deepEqual(await journalFiles(setup.dataDir), [])
    assert.deepEqual(await journalFiles(setup.dataDir, 'rejected'), [UsageJournal.fileNameOf({ batchId: info.batchId, createdAtMs: setup.timers.nowMs() })])
    assert.ok(logger.lines.some((line) => line.level === 'error' && line.fields.code === 'INVALID_USAGE_REPORT'))
    // Only the flush timer is left: no retry is scheduled.
    assert.deepEqual(setup.timers.pendingDelaysMs(), [10_000])
    assert.equal(setup.fake.requestsTo(COORDINATOR_ENDPOINTS.usage).length, 1)
    await outbox.stop()
  })

  it('resends the batches a previous run left pending, oldest first', async () => {
    const setup = await setUp()
    await setup.fake.stop()
    const first = newOutbox(setup)
    await first.start()
    first.record(ticketA, 10n)
    const retry = nextOutboxEvent(first, 'retry')
    await first.sealNow()
    await retry
    setup.timers.advance(60_000)
    first.record(ticketC, 30n)
    await first.sealNow()
    await first.stop()
    assert.equal((await journalFiles(setup.dataDir)).length, 2)

    // The process restarts; the coordinator is back.
    await setup.fake.restart()
    setup.fake.trustNode(setup.identity.nodeId, setup.identity.publicKey)
    const second = newOutbox(setup)
    const acknowledgedIds: string[] = []
    second.on('acknowledged', ({ batchId }) => acknowledgedIds.push(batchId))
    const done = new Promise<void>((resolve) => second.on('acknowledged', () => acknowledgedIds.length === 2 && resolve()))
    await second.start()
    await done
    const received = [...setup.fake.usageBatches.values()]
    assert.deepEqual(
      received.map((batch) => batch.lines[0]?.ticketId),
      [ticketA.nonce, ticketC.nonce],
    )
    assert.deepEqual(acknowledgedIds, received.map((batch) => batch.batchId))
    assert.deepEqual(await journalFiles(setup.dataDir), [])
    await second.stop()
  })

  it('ignores (and deletes) a torn temp file, and moves aside a batch file that does not verify', async () => {
    const setup = await setUp()
    const logger = recordingLogger()
    const journal = new UsageJournal(setup.dataDir, logger)
    await journal.open()
    await writeFile(join(journal.directory, '0001700000000000-ub_aaaaaaaaaaaaaaaaaaaa.json.tmp'), '{"payload":{"batchId":"ub_aaaa')
    await writeFile(join(journal.directory, '0001700000000001-ub_bbbbbbbbbbbbbbbbbbbb.json'), '{"payload":{},"signature":"AAAA"}\n')
    const outbox = newOutbox(setup, {}, logger)
    await outbox.start()
    assert.equal(outbox.pendingBatches, 0)
    assert.deepEqual(await journalFiles(setup.dataDir), [])
    assert.deepEqual(await journalFiles(setup.dataDir, 'rejected'), ['0001700000000001-ub_bbbbbbbbbbbbbbbbbbbb.json'])
    assert.equal(setup.fake.requestsTo(COORDINATOR_ENDPOINTS.usage).length, 0)
    await outbox.stop()
  })

  it('stop({ drain: true }) seals what is in memory and sends it before stopping', async () => {
    const setup = await setUp()
    const outbox = newOutbox(setup)
    await outbox.start()
    outbox.record(ticketA, 99n)
    assert.equal(outbox.unsealedBytes, 99n)
    assert.deepEqual(await outbox.stop({ drain: true }), { pendingBatches: 0 })
    assert.equal([...setup.fake.usageBatches.values()][0]?.lines[0]?.bytes, 99n)
    assert.deepEqual(setup.timers.pendingDelaysMs(), [])
  })

  it('stop({ drain: true }) leaves unacknowledged batches journaled when the coordinator is down', async () => {
    const setup = await setUp()
    await setup.fake.stop()
    const outbox = newOutbox(setup)
    await outbox.start()
    outbox.record(ticketA, 5n)
    assert.deepEqual(await outbox.stop({ drain: true }), { pendingBatches: 1 })
    assert.equal((await journalFiles(setup.dataDir)).length, 1)
    assert.deepEqual(setup.timers.pendingDelaysMs(), [])
  })
})
