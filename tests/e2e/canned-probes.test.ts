/**
 * Issue #11's cheating-node harness, the canned kind: a real node in coordinator mode
 * behind a front that answers every zone request after the first with the first zone
 * response it saw — a node answering probes from a canned response. Every probe names a
 * fresh object, so the canned bytes are caught by SHA-256 within 3 content probes.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import type { RunningCoordinatorNode } from '@meson/node'
import { openStores, readJsonField as field } from '@meson/coordinator/testing'
import type { CoordinatorStores } from '@meson/coordinator/testing'
import { api, until } from './e2e-http.ts'
import { startRegisteredNode } from './e2e-nodes.ts'
import { startTamperingFront } from '../testing/tampering-front.ts'
import type { TamperingFront } from '../testing/tampering-front.ts'

const ADMIN_TOKEN = 'e2e-admin-token-canned-0123456789'

describe('a node answering probes from a canned response (SQLite, real sockets on 127.0.0.1)', () => {
  let dir = ''
  let stores: CoordinatorStores
  let coordinator: RunningCoordinator
  let front: TamperingFront
  let node: RunningCoordinatorNode | undefined

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-canned-probes-'))
    const logger = createLogger({ level: 'silent' })
    stores = await openStores({ url: `sqlite:${join(dir, 'coordinator.db')}`, logger })
    front = await startTamperingFront('canned')
    const parsed = parseConfig({
      flags: { port: '0', host: '127.0.0.1', dataDir: join(dir, 'coordinator'), adminToken: ADMIN_TOKEN, allowSharedIp: true, probesEnabled: 'true', probeIntervalMs: '300', storageProofsEnabled: 'false', logLevel: 'silent' },
    })
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message)
    coordinator = await startCoordinator(parsed.config, { logger, stores, startRewardsTimer: false, probeObjectBytes: { contentMaxBytes: 8 * 1024, speedBytes: 16 * 1024, ipfsContentMaxBytes: 0 } })
    const operator = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'canned-operator', role: 'operator' } })
    const flags = { coordinatorUrl: coordinator.url, operatorToken: String(field(operator.body, 'token')), host: '127.0.0.1', port: '0', dataDir: join(dir, 'node'), publicUrl: front.url, heartbeatIntervalMs: '1000', shutdownGraceMs: '1000', storageProofs: 'off' }
    node = await startRegisteredNode(flags, {
      onStarted: (started) => {
        node = started
        front.setTarget(started.url)
      },
    })
  })

  after(async () => {
    await node?.stop()
    await coordinator.close()
    await stores.close()
    await front.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('fails a content probe within the first 3 on SHA-256, the canned answer being another object', async () => {
    assert.ok(node)
    const nodeId = node.nodeId
    const content = await until(
      async () => (await stores.rewards.listProbeResults(nodeId, 0, Number.MAX_SAFE_INTEGER)).filter((row) => row.kind === 'content'),
      (rows) => rows.length >= 3,
      'three content probes of the canned node',
      60_000,
    )
    const firstFailure = content.findIndex((row) => row.outcome === 'fail')
    assert.ok(firstFailure >= 0 && firstFailure < 3, `caught within 3 content probes (at ${String(firstFailure)})`)
    // Caught by the bytes' SHA-256, or by the status itself when a range probe gets the canned 200 instead of a 206.
    assert.match(content[firstFailure]?.reason ?? '', /SHA-256|answered HTTP \d{3} where \d{3} was expected/)
  })
})
