import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import { readJsonField, requestJson } from '@meson/coordinator/testing'
import { BenchError } from '../edge-vs-nginx/bench-error.ts'
import { findFreePort } from '../edge-vs-nginx/free-port.ts'
import type { ManagedProcess, ProcessGroup } from '../edge-vs-nginx/process-group.ts'
import { REPO_ROOT } from '../edge-vs-nginx/start-node.ts'

/** The zone every ticket of the bench is for. */
export const BENCH_ZONE = 'bench'

export interface StartCdnNetworkParameters {
  readonly originPort: number
  readonly group: ProcessGroup
  readonly memoryCache: string
  readonly extraNodeArgs: readonly string[]
  /** Flags for the node's Node.js runtime itself (e.g. `--max-semi-space-size=4`, `--cpu-prof`), before the script. */
  readonly runtimeArgs: readonly string[]
  /** The `meson-net` script to run (default: the workspace's); e.g. a pre-stripped JS build, to compare (ADR 0017). */
  readonly binPath?: string
  /** Told each temp dir right away, so the caller removes it even if start-up fails. */
  readonly onTempDir: (dir: string) => void
}

/** The real coordinator (in this process) and one CDN-mode node (its own process) registered with it. */
export interface CdnNetwork {
  readonly coordinator: RunningCoordinator
  readonly node: ManagedProcess
  readonly nodeUrl: string
  /** Asks the coordinator's redirector for `path` of the zone; the 302's Location (a node URL with its `?mt=` ticket). */
  ticketedUrl(path: string): Promise<string>
}

/**
 * Starts `startCoordinator` on a temp dir (SQLite), an operator and a funded buyer with a
 * zone in front of the origin, then `meson-net node --coordinator ...` as a child process
 * with the operator's token, and waits until the redirector sends the zone to it. Tickets
 * are the coordinator's real MAC tickets (ADR 0016); their TTL and byte budget are raised
 * so that one ticket lasts a whole wrk run (a budget spent mid-run would turn hits into
 * 302s, which is right for users and useless for a hit benchmark).
 */
export async function startCdnNetwork(parameters: StartCdnNetworkParameters): Promise<CdnNetwork> {
  const coordinatorDir = await mkdtemp(join(tmpdir(), 'meson-bench-coordinator-'))
  parameters.onTempDir(coordinatorDir)
  const adminToken = randomBytes(24).toString('hex')
  // wrk repeats one ticketed URL for the whole run: a budget sized to the object (issue #11) would bounce it after a few hits.
  const parsed = parseConfig({
    flags: { port: String(await findFreePort()), host: '127.0.0.1', dataDir: coordinatorDir, adminToken, ticketTtlMs: '3600000', ticketByteBudget: String(2n ** 50n), ticketBudgetResponses: '0' },
  })
  if (!parsed.ok) throw new BenchError('BENCH_CONFIG_INVALID', `the coordinator refused the bench config: ${JSON.stringify(parsed)}`)
  const coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'warn' }) })
  const call = async (path: string, token: string, json: unknown): Promise<unknown> => {
    const answer = await requestJson('POST', `${coordinator.url}${path}`, { json, token })
    if (answer.status >= 300) throw new BenchError('BENCH_SERVER_NOT_READY', `${path} answered ${String(answer.status)}: ${JSON.stringify(answer.body)}`)
    return answer.body
  }
  const operatorToken = String(readJsonField(await call('/v1/accounts', adminToken, { name: 'op', role: 'operator' }), 'token'))
  const buyer = await call('/v1/accounts', adminToken, { name: 'buyer', role: 'buyer' })
  await call('/v1/admin/credits', adminToken, { accountId: String(readJsonField(buyer, 'account', 'id')), amount: '1000000000 MSN' })
  await call('/v1/zones', String(readJsonField(buyer, 'token')), { name: BENCH_ZONE, origin: `http://127.0.0.1:${String(parameters.originPort)}` })

  const nodeDir = await mkdtemp(join(tmpdir(), 'meson-bench-cdn-node-'))
  parameters.onTempDir(nodeDir)
  const nodePort = await findFreePort()
  const nodeUrl = `http://127.0.0.1:${String(nodePort)}`
  const bin = parameters.binPath ?? join(REPO_ROOT, 'node_modules', '.bin', 'meson-net')
  const args = [...parameters.runtimeArgs, bin, 'node', '--coordinator', coordinator.url, '--host', '127.0.0.1', '--port', String(nodePort), '--data-dir', nodeDir, '--memory-cache', parameters.memoryCache, ...parameters.extraNodeArgs]
  // The token in the environment, never on the command line (ps shows it).
  const node = parameters.group.start('meson-net node (CDN mode)', process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, MESON_NODE_TOKEN: operatorToken } })

  const ticketedUrl = async (path: string): Promise<string> => {
    const answer = await fetch(`${coordinator.url}/z/${BENCH_ZONE}${path}`, { redirect: 'manual' })
    await answer.arrayBuffer()
    const location = answer.headers.get('location')
    if (answer.status !== 302 || location === null) throw new BenchError('BENCH_SERVER_NOT_READY', `the redirector answered ${String(answer.status)} for ${path}`)
    return location
  }
  // Registered and eligible once the redirector sends the zone to the node (not to the origin).
  const deadline = Date.now() + 30_000
  for (;;) {
    if (!node.isRunning()) throw new BenchError('BENCH_SERVER_EXITED', `the node exited before it registered (exit ${String(await node.exited)}).`, { details: node.outputTail().trim() || '(no output)' })
    const location = await ticketedUrl('/obj/4k.bin').catch(() => '')
    if (location.startsWith(`${nodeUrl}/`)) break
    if (Date.now() > deadline) throw new BenchError('BENCH_SERVER_NOT_READY', `the redirector never sent the zone to the node (last Location: ${location || 'none'}).`, { details: node.outputTail().trim() })
    await sleep(200)
  }
  return { coordinator, node, nodeUrl, ticketedUrl }
}
