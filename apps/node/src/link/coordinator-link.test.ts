import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { commandSchema, generateKeyPair, newCommandId, publicKeyToString, signCommand, signEnvelope } from '@meson/protocol'
import type { Command } from '@meson/protocol'
import { CoordinatorKeyHolder } from '../cdn/tickets/coordinator-key-holder.ts'
import { NodeTicketKeyHolder } from '../cdn/tickets/node-ticket-key-holder.ts'
import { COORDINATOR_ENDPOINTS } from './coordinator-endpoints.ts'
import { CoordinatorLink } from './coordinator-link.ts'
import type { CoordinatorLinkOptions } from './coordinator-link.ts'
import { CoordinatorKeyMismatchError } from './coordinator-key-mismatch-error.ts'
import { CoordinatorRefusedError } from './coordinator-refused-error.ts'
import { errorReply, FakeCoordinator } from '../testing/fake-coordinator.ts'
import { FakeTimers } from '../testing/fake-timers.ts'
import { fixtureIdentity, fixtureStats, nextLinkEvent, recordingLogger } from '../testing/link-fixtures.ts'

const fakes: FakeCoordinator[] = []
after(async () => {
  for (const fake of fakes) await fake.stop().catch(() => undefined)
})

async function setUp(options: Partial<CoordinatorLinkOptions> = {}) {
  const fake = await FakeCoordinator.start()
  fakes.push(fake)
  const timers = new FakeTimers()
  const keyHolder = new CoordinatorKeyHolder()
  const ticketKeys = new NodeTicketKeyHolder()
  const identity = fixtureIdentity()
  const handled: Command[] = []
  const logger = recordingLogger()
  const link = new CoordinatorLink(
    {
      coordinatorUrl: fake.url,
      identity,
      node: { publicUrl: 'http://203.0.113.7:8003', version: '0.1.0', diskQuotaBytes: 10n * 2n ** 30n, declaredUplinkMbps: 100, capabilities: ['cdn'] },
      ...options,
    },
    {
      keyHolder,
      ticketKeys,
      statsProvider: () => fixtureStats,
      commandHandler: (command) => {
        handled.push(command)
      },
      clock: timers,
      timers,
      random: () => 0.5,
      logger,
    },
  )
  return { fake, timers, keyHolder, ticketKeys, identity, handled, logger, link }
}

function purgeCommand(nodeId: string, nowMs: number, overrides: { readonly issuedAt?: number; readonly expiresAt?: number } = {}): Command {
  return commandSchema.parse({ id: newCommandId(), type: 'purge', args: { prefixes: ['/img'] }, nodeId, issuedAt: nowMs, expiresAt: nowMs + 600_000, ...overrides })
}

describe('CoordinatorLink', () => {
  it('installs the node ticket keys from the registration answer, signed by the coordinator for this node', async () => {
    const { fake, ticketKeys, identity, link } = await setUp()
    fake.ticketKids = ['k1', 'k2']
    await link.start()
    assert.deepEqual(ticketKeys.current?.ring.kids, ['k1', 'k2'])
    // The delivered key is the one the coordinator tags this node's tickets with.
    const expected = fake.ticketTagKeys(identity.nodeId, 'k2').nodeKey
    assert.equal(ticketKeys.current.ring.get('k2')?.equals(expected), true)
    assert.equal(ticketKeys.current.ring.get('k1')?.equals(expected), false)
    await link.stop()
    await fake.stop()
  })

  it('does not finish registering on ticket keys signed by another key', async () => {
    const { fake, ticketKeys, timers, link } = await setUp()
    const impostor = generateKeyPair()
    fake.override(COORDINATOR_ENDPOINTS.register, (request) => {
      const payload = typeof request.body === 'object' && request.body !== null && 'payload' in request.body ? request.body.payload : undefined
      const nodeId = typeof payload === 'object' && payload !== null && 'nodeId' in payload && typeof payload.nodeId === 'string' ? payload.nodeId : ''
      return { status: 200, body: { nodeId, ticketKeys: signEnvelope('ticket-keys', impostor.privateKey, { nodeId, keys: [{ kid: 'k1', key: 'A'.repeat(43) }] }) } }
    })
    const failed = nextLinkEvent(link, 'connection-failed')
    void link.start().catch(() => undefined)
    assert.equal((await failed)[0].step, 'register')
    assert.notEqual(link.state, 'registered')
    assert.equal(ticketKeys.current, undefined)
    assert.ok(timers.pendingDelaysMs().length > 0, 'it retries later')
    await link.stop()
    await fake.stop()
  })

  it('registers, heartbeats on the clock, backs off while the coordinator is down, and re-registers when it is back', async () => {
    const { fake, timers, keyHolder, identity, link } = await setUp()
    await link.start()
    assert.equal(link.state, 'registered')
    assert.equal(fake.registrations.length, 1)
    assert.equal(fake.registrations[0]?.nodeId, identity.nodeId)
    assert.deepEqual(keyHolder.current?.raw, fake.key.publicKey)
    assert.deepEqual(timers.pendingDelaysMs(), [30_000])

    for (const seq of [1, 2]) {
      const beat = nextLinkEvent(link, 'heartbeat')
      timers.advance(30_000)
      assert.equal((await beat)[0].seq, seq)
    }
    assert.equal(fake.heartbeats.length, 2)
    const second = fake.heartbeats[1]
    assert.ok(second)
    assert.deepEqual(second.heartbeat.cache, fixtureStats.cache)
    assert.equal(second.heartbeat.servedBytes, 123_456n)
    assert.equal(second.heartbeat.seq, 2)
    assert.equal(second.status, 'active')

    await fake.stop()
    const delays: number[] = []
    for (const attempt of [1, 2, 3]) {
      const failed = nextLinkEvent(link, 'connection-failed')
      timers.advanceToNext()
      const [info] = await failed
      assert.equal(info.step, 'heartbeat')
      assert.equal(info.attempt, attempt)
      delays.push(info.retryInMs)
      assert.equal(link.state, 'reconnecting')
    }
    // 1 s, 2 s, 4 s with equal jitter at random() = 0.5.
    assert.deepEqual(delays, [750, 1500, 3000])

    // The coordinator comes back without its memory, and with a rotated key.
    const rotated = generateKeyPair()
    fake.override(COORDINATOR_ENDPOINTS.coordinatorKey, () => ({ status: 200, body: { publicKey: publicKeyToString(rotated.publicKey) } }))
    fake.ticketKeysSigner = rotated.privateKey
    await fake.restart()
    const registered = nextLinkEvent(link, 'registered')
    timers.advanceToNext()
    await registered
    assert.equal(link.state, 'registered')
    assert.equal(fake.registrations.length, 2)
    assert.deepEqual(keyHolder.current.raw, rotated.publicKey)
    assert.equal(keyHolder.current.generation, 2)

    const beat = nextLinkEvent(link, 'heartbeat')
    assert.deepEqual(timers.pendingDelaysMs(), [30_000])
    timers.advance(30_000)
    await beat
    assert.equal(fake.heartbeats.length, 3)
    await link.stop()
    assert.equal(link.state, 'stopped')
    assert.deepEqual(timers.pendingDelaysMs(), [])
  })

  it('keeps retrying a first registration while the coordinator is unreachable', async () => {
    const { fake, timers, link } = await setUp()
    await fake.stop()
    const failed = nextLinkEvent(link, 'connection-failed')
    const started = link.start()
    assert.equal((await failed)[0].step, 'coordinator-key')
    await fake.restart()
    timers.advanceToNext()
    await started
    assert.equal(link.state, 'registered')
    await link.stop()
  })

  for (const [status, code, message] of [
    [426, 'VERSION_TOO_OLD', 'node 0.1.0 is below the minimum version 0.2.0'],
    [409, 'IP_IN_USE', 'another node already runs on 203.0.113.7'],
    [422, 'CALLBACK_FAILED', 'http://203.0.113.7:8003 did not answer'],
  ] as const) {
    it(`surfaces a refusal (${code}) with the coordinator's code and message, and stops`, async () => {
      const { fake, timers, link } = await setUp()
      fake.override(COORDINATOR_ENDPOINTS.register, () => errorReply(status, code, message))
      await assert.rejects(link.start(), (error) => {
        assert.ok(error instanceof CoordinatorRefusedError)
        assert.equal(error.code, 'COORDINATOR_REFUSED')
        assert.equal(error.coordinatorCode, code)
        assert.equal(error.coordinatorMessage, message)
        assert.equal(error.status, status)
        assert.match(error.shortMessage, new RegExp(message))
        return true
      })
      assert.equal(link.state, 'stopped')
      assert.deepEqual(timers.pendingDelaysMs(), [])
    })
  }

  it('refuses a coordinator whose key differs from the pinned one', async () => {
    const { link } = await setUp({ pinnedCoordinatorKey: generateKeyPair().publicKey })
    await assert.rejects(link.start(), (error) => error instanceof CoordinatorKeyMismatchError)
    assert.equal(link.state, 'stopped')
  })

  it('sends the operator token on registration only, and never logs it', async () => {
    const { fake, timers, link, logger } = await setUp({ operatorToken: 'op-secret-token' })
    await link.start()
    const beat = nextLinkEvent(link, 'heartbeat')
    timers.advance(30_000)
    await beat
    assert.equal(fake.requestsTo(COORDINATOR_ENDPOINTS.register)[0]?.authorization, 'Bearer op-secret-token')
    assert.equal(fake.requestsTo(COORDINATOR_ENDPOINTS.heartbeat)[0]?.authorization, undefined)
    assert.doesNotMatch(JSON.stringify(logger.lines), /op-secret-token/)
    await link.stop()
  })

  it('dispatches a signed command, acknowledges it in the next heartbeat, and refuses forged and replayed ones', async () => {
    const { fake, timers, identity, handled, link } = await setUp()
    await link.start()
    const command = purgeCommand(identity.nodeId, timers.nowMs())
    const genuine = signCommand(fake.key.privateKey, command)
    fake.queueCommand(genuine)
    fake.queueCommand(signCommand(generateKeyPair().privateKey, purgeCommand(identity.nodeId, timers.nowMs())))
    fake.queueCommand(signCommand(fake.key.privateKey, purgeCommand('*', timers.nowMs(), { expiresAt: timers.nowMs() - 1, issuedAt: timers.nowMs() - 60_000 })))
    fake.queueCommand(genuine)

    const receipts: string[] = []
    link.on('command', (receipt) => receipts.push(receipt.outcome === 'dispatched' ? 'dispatched' : receipt.reason))
    const settled = nextLinkEvent(link, 'command-settled')
    const beat = nextLinkEvent(link, 'heartbeat')
    timers.advance(30_000)
    await beat
    assert.deepEqual(receipts, ['dispatched', 'bad-signature', 'expired', 'replayed'])
    await settled
    assert.deepEqual(handled, [command])

    // The next heartbeat acknowledges it; the coordinator, having missed that, resends it.
    fake.queueCommand(genuine)
    const second = nextLinkEvent(link, 'heartbeat')
    timers.advance(30_000)
    assert.deepEqual((await second)[0].acks, [command.id])
    assert.deepEqual(fake.heartbeats.at(-1)?.acks, [command.id])
    assert.equal(receipts.at(-1), 'replayed')
    assert.equal(handled.length, 1)
    // It is acknowledged again, not executed again.
    const third = nextLinkEvent(link, 'heartbeat')
    timers.advance(30_000)
    assert.deepEqual((await third)[0].acks, [command.id])
    const fourth = nextLinkEvent(link, 'heartbeat')
    timers.advance(30_000)
    assert.deepEqual((await fourth)[0].acks, [])
    await link.stop()
  })

  it('does not acknowledge a command whose handler failed', async () => {
    const { fake, timers, identity, link } = await setUp()
    const failing = new CoordinatorLink(
      {
        coordinatorUrl: fake.url,
        identity,
        node: { publicUrl: 'http://203.0.113.7:8003', version: '0.1.0', diskQuotaBytes: 1n, declaredUplinkMbps: 1, capabilities: ['cdn'] },
      },
      {
        keyHolder: new CoordinatorKeyHolder(),
        ticketKeys: new NodeTicketKeyHolder(),
        statsProvider: () => fixtureStats,
        commandHandler: () => {
          throw new Error('disk on fire')
        },
        clock: timers,
        timers,
      },
    )
    await failing.start()
    fake.queueCommand(signCommand(fake.key.privateKey, purgeCommand(identity.nodeId, timers.nowMs())))
    const settled = nextLinkEvent(failing, 'command-settled')
    timers.advance(30_000)
    assert.ok((await settled)[0].error instanceof Error)
    const beat = nextLinkEvent(failing, 'heartbeat')
    timers.advance(30_000)
    assert.deepEqual((await beat)[0].acks, [])
    await failing.stop()
    await link.stop()
  })

  it('stop({ drain: true }) stops heartbeats after a last one with status draining', async () => {
    const { fake, timers, link } = await setUp()
    await link.start()
    assert.deepEqual(await link.stop({ drain: true }), { drainAcknowledged: true })
    assert.equal(link.state, 'stopped')
    assert.equal(fake.heartbeats.at(-1)?.status, 'draining')
    assert.deepEqual(timers.pendingDelaysMs(), [])
    assert.deepEqual(await link.stop({ drain: true }), { drainAcknowledged: false }, 'a second stop sends nothing')
    assert.equal(fake.heartbeats.filter((beat) => beat.status === 'draining').length, 1)
  })

  it('stop() without drain sends no draining heartbeat', async () => {
    const { fake, link } = await setUp()
    await link.start()
    assert.deepEqual(await link.stop(), { drainAcknowledged: false })
    assert.equal(fake.heartbeats.some((beat) => beat.status === 'draining'), false)
  })

  it('stop({ drain: true }) reports a draining heartbeat the coordinator did not get, without throwing', async () => {
    const { fake, link } = await setUp()
    await link.start()
    await fake.stop()
    assert.deepEqual(await link.stop({ drain: true }), { drainAcknowledged: false })
    assert.equal(link.state, 'stopped')
  })

  it('refuses a heartbeat interval below 1 s', async () => {
    await assert.rejects(setUp({ heartbeatIntervalMs: 999 }), { code: 'INVALID_HEARTBEAT_INTERVAL' })
  })

  it('refuses to start with a registration the coordinator would refuse', async () => {
    const { link } = await setUp({ node: { publicUrl: 'ftp://example.com', version: '1', diskQuotaBytes: 1n, declaredUplinkMbps: 1, capabilities: ['cdn'] } })
    await assert.rejects(link.start(), { code: 'INVALID_REGISTRATION' })
  })
})
