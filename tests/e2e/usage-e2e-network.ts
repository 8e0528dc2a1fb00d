/**
 * Test support (not a test) for the usage-plausibility end-to-end tests (issue #11): a
 * buyer with credit and a pull zone whose every byte costs exactly 10^9 base units, and
 * coordinator-mode nodes of their own operators, optionally lying in their usage reports
 * through `@meson/node/testing`'s cheating harness. Loopback only.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { RunningCoordinator } from '@meson/coordinator'
import type { RunningCoordinatorNode } from '@meson/node'
import { cheatingUsage } from '@meson/node/testing'
import type { UsageCheats } from '@meson/node/testing'
import { readJsonField as field } from '@meson/coordinator/testing'
import type { AccountId } from '@meson/protocol'
import { api } from './e2e-http.ts'
import { startRegisteredNode } from './e2e-nodes.ts'

/** Every byte costs exactly 10^9 base units, so charges never round; operators get 80 %. */
export const PRICE_PER_GIB = 2n ** 30n * 10n ** 9n
export const PER_BYTE = 10n ** 9n
export const CREDIT = 10n ** 18n

/** What one response of `size` bytes may bill: size + 10 % (rounded up) + 512 bytes (the defaults). */
export function allowanceOf(size: number): bigint {
  return BigInt(size) + BigInt(Math.ceil(size / 10)) + 512n
}

/** Creates a buyer, credits it `CREDIT` and gives it the pull zone `site` on `originUrl`; resolves the buyer's id. */
export async function createBuyerWithZone(coordinator: RunningCoordinator, adminToken: string, originUrl: string): Promise<AccountId> {
  const buyer = await api('POST', `${coordinator.url}/v1/accounts`, { token: adminToken, json: { name: 'buyer', role: 'buyer' } })
  const buyerId = String(field(buyer.body, 'account', 'id')) as AccountId
  assert.equal((await api('POST', `${coordinator.url}/v1/admin/credits`, { token: adminToken, json: { accountId: buyerId, amount: String(CREDIT) } })).status, 201)
  assert.equal((await api('POST', `${coordinator.url}/v1/zones`, { token: String(field(buyer.body, 'token')), json: { name: 'site', origin: originUrl, pricePerGiB: String(PRICE_PER_GIB) } })).status, 201)
  return buyerId
}

export interface OperatorNode {
  readonly node: RunningCoordinatorNode
  readonly operatorId: AccountId
  readonly operatorToken: string
}

/** Creates the operator `<name>-operator` and starts its node in `<dir>/<name>`, registered; `cheats` makes it lie in its usage reports. */
export async function startOperatorNode(coordinator: RunningCoordinator, adminToken: string, dir: string, name: string, cheats?: UsageCheats): Promise<OperatorNode> {
  const created = await api('POST', `${coordinator.url}/v1/accounts`, { token: adminToken, json: { name: `${name}-operator`, role: 'operator' } })
  const operatorToken = String(field(created.body, 'token'))
  const flags = { coordinatorUrl: coordinator.url, operatorToken, host: '127.0.0.1', port: '0', dataDir: join(dir, name), heartbeatIntervalMs: '1000', usageFlushIntervalMs: '100', shutdownGraceMs: '1000' }
  const node = await startRegisteredNode(flags, { dependencies: cheats === undefined ? {} : { wrapUsageTransport: cheatingUsage(cheats) } })
  return { node, operatorId: String(field(created.body, 'account', 'id')) as AccountId, operatorToken }
}
