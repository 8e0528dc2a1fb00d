/**
 * Issue #9, a missing case: one node per public IP when the first node is down. As
 * designed (ADR 0010): a node that is down no longer holds its IP, so a replacement may
 * register from it; the rule then holds for the replacement (a third node is refused),
 * and the first node, coming back, is refused while the replacement lives.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseConfig } from '../../../../config/parse-config.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import { createLogger } from '../../../log/create-logger.ts'
import { readJsonField as field } from '../../../../testing/read-json-field.ts'
import { FakeNode, requestJson } from '../../../../testing/node-fake.ts'

const ADMIN_TOKEN = 'admin-test-token-node-per-ip-0123'
const DOWN_AFTER_MS = 3_000
const SHARED_IP = '127.0.0.21'

describe('one node per public IP, when the first node is down', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  const clock = { nowMs: 1_800_000_000_000 }
  let operatorToken = ''
  const nodes: FakeNode[] = []

  const register = (node: FakeNode) =>
    requestJson('POST', `${coordinator.url}/v1/nodes/register`, { json: node.signedRegistration(clock.nowMs), token: operatorToken, localAddress: SHARED_IP })
  const heartbeat = (node: FakeNode) => requestJson('POST', `${coordinator.url}/v1/nodes/heartbeat`, { json: node.heartbeatBody(clock.nowMs) })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-node-per-ip-'))
    const parsed = parseConfig({ flags: { port: '0', dataDir: dir, adminToken: ADMIN_TOKEN, heartbeatIntervalMs: '1000', nodeDownAfterMs: String(DOWN_AFTER_MS) } })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), now: () => clock.nowMs, startFleetTimers: false })
    const operator = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'op', role: 'operator' } })
    operatorToken = String(field(operator.body, 'token'))
    for (let index = 0; index < 3; index++) nodes.push(await FakeNode.start())
  })

  after(async () => {
    await coordinator.close()
    for (const node of nodes) await node.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('lets a replacement register once the first is down, then holds the rule for it and refuses the first coming back', async () => {
    const [first, replacement, third] = nodes
    assert.ok(first && replacement && third)
    assert.equal((await register(first)).status, 200)
    const refusedWhileUp = await register(replacement)
    assert.equal(refusedWhileUp.status, 409, 'the rule holds while the first node is up')
    assert.equal(field(refusedWhileUp.body, 'error', 'code'), 'NODE_IP_IN_USE')

    // The first node goes silent (kill -9): after the down delay the sweep marks it down.
    clock.nowMs += DOWN_AFTER_MS + 1
    assert.deepEqual(coordinator.fleet.sweep(), [first.nodeId])

    const replaced = await register(replacement)
    assert.equal(replaced.status, 200, `a down node no longer holds its IP: ${JSON.stringify(replaced.body)}`)

    const refusedThird = await register(third)
    assert.equal(refusedThird.status, 409, 'the replacement holds the IP now')
    assert.equal(field(refusedThird.body, 'error', 'code'), 'NODE_IP_IN_USE')

    const back = await heartbeat(first)
    assert.equal(back.status, 409, `the first node, back, is refused while the replacement lives: ${JSON.stringify(back.body)}`)
    assert.equal(field(back.body, 'error', 'code'), 'NODE_IP_IN_USE')
    assert.equal((await heartbeat(replacement)).status, 200)
  })
})
