// The redirector benchmark: (a) decisions per second of the redirector core in process,
// for fleets of 10, 1 000 and 100 000 nodes, with and without ticket signing; (b) a
// node:http redirector against nginx's bare `return 302` over loopback, with wrk,
// alternating A/B/A/B. Composition root only; see bench/README.md ("redirector").
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { BaseError, isErrorWithCode } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { openGeoIpLookup } from '@meson/coordinator'
import { decideRedirect, selectNode, ZoneDirectory } from '@meson/coordinator/routing'
import { CoordinatorTicketKeys, issueTicket } from '@meson/coordinator/tickets'
import type { TicketClaims } from '@meson/coordinator/tickets'
import type { CountryLookup } from '@meson/coordinator/routing'
// Generic harness parts shared with the edge-vs-nginx benchmark.
import { BenchError } from '../edge-vs-nginx/bench-error.ts'
import { findExecutable } from '../edge-vs-nginx/find-executable.ts'
import { findFreePort } from '../edge-vs-nginx/free-port.ts'
import { createProcessGroup } from '../edge-vs-nginx/process-group.ts'
import type { ProcessGroup } from '../edge-vs-nginx/process-group.ts'
import { runWrk } from '../edge-vs-nginx/run-wrk.ts'
import type { WrkResult } from '../edge-vs-nginx/wrk-output.ts'
import { waitUntilReady } from '../edge-vs-nginx/wait-until-ready.ts'
import { measureDecisions } from './measure-decisions.ts'
import type { DecisionRate } from './measure-decisions.ts'
import { renderNginxRedirectConfig } from './nginx-redirect-config.ts'
import { buildSimulatedFleet, simulatedClientIps, simulatedNodeId } from './simulated-fleet.ts'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results')
const SERVER_ENTRY = fileURLToPath(new URL('./redirect-server.ts', import.meta.url))
const COORDINATOR_ENTRY = fileURLToPath(new URL('./coordinator-server.ts', import.meta.url))
/** Debian's nobody/nogroup: nginx runs as them when the bench runs as root. */
const UNPRIVILEGED_ID = 65534
const FLEET_SIZES = [10, 1000, 100_000] as const
/**
 * nginx's bare `return 302`; the node redirector; the node redirector with a placeholder
 * ticket; the real coordinator (its raw redirect route, fake nodes registered over its API).
 */
const HTTP_SIDES = ['nginx', 'node', 'node-unsigned', 'coordinator'] as const
type HttpSide = (typeof HTTP_SIDES)[number]

const settings = {
  decisionMs: Number(process.env.DECISION_MS ?? '1000'),
  duration: process.env.DURATION ?? '10s',
  connections: Number(process.env.CONNECTIONS ?? '50'),
  threads: Number(process.env.THREADS ?? '1'),
  rounds: Number(process.env.ROUNDS ?? '2'),
  httpNodes: Number(process.env.HTTP_NODES ?? '1000'),
  /** Fake nodes registered with the real coordinator (each is a listening socket). */
  coordinatorNodes: Number(process.env.COORDINATOR_NODES ?? '10'),
  isHttpSkipped: process.env.SKIP_HTTP === '1',
  sides: (process.env.SIDES ?? 'nginx,node').split(',').filter((side): side is HttpSide => (HTTP_SIDES as readonly string[]).includes(side)),
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`)
}

interface InProcessRow {
  readonly nodes: number
  readonly fleetBuildMs: number
  readonly snapshotMs: number
  readonly selectOnly: DecisionRate
  readonly decideUnsigned: DecisionRate
  readonly decideSigned: DecisionRate
}

function measureInProcess(geo: CountryLookup): InProcessRow[] {
  /** Stateless MAC tickets (ADR 0016) under a fresh master secret. */
const ticketKeys = new CoordinatorTicketKeys([{ kid: 'k1', secret: randomBytes(32), activeFrom: 0 }])
  const clients = simulatedClientIps(4096)
  const paths = Array.from({ length: 8192 }, (_, index) => `/obj/${index}.bin`)
  const zones = new ZoneDirectory([
    { name: 'bench', origin: 'http://127.0.0.1:1', pricePerGiB: 1n, accountId: 'acc_benchbenchbenchbench' as AccountId, hasBalance: true },
  ])
  const rows: InProcessRow[] = []
  for (const nodes of FLEET_SIZES) {
    const buildStart = performance.now()
    const fleet = buildSimulatedFleet({ nodeCount: nodes, placement: 'public' })
    const fleetBuildMs = performance.now() - buildStart
    fleet.snapshot()
    // What a refresh costs after the fleet changed (one heartbeat dirties it).
    fleet.applyHeartbeat(simulatedNodeId(0), 0.5)
    const snapshotStart = performance.now()
    const view = fleet.snapshot()
    const snapshotMs = performance.now() - snapshotStart
    // A client's location is looked up per request, as the server does.
    const locations = clients.map((ip) => geo.lookupCountry(ip))
    const mask = 4095
    const selectOnly = measureDecisions((index) => {
      const location = locations[index & mask]
      return selectNode({ fleet: view, objectKey: `bench\n${paths[index & 8191] ?? '/'}`, clientCountry: location?.country, clientContinent: location?.continent })
    }, settings.decisionMs)
    const decide = (index: number, sign: (claims: TicketClaims) => string): unknown =>
      decideRedirect({
        zone: 'bench',
        path: paths[index & 8191] ?? '/',
        clientIp: clients[index & mask] ?? '',
        now: 1_700_000_000_000 + index,
        fleet: view,
        zones,
        geo,
        ticketTtlMs: 600_000,
        byteBudget: 1n << 30n,
        sign,
      })
    const decideUnsigned = measureDecisions((index) => decide(index, () => 'unsigned'), settings.decisionMs)
    const decideSigned = measureDecisions((index) => decide(index, (claims) => issueTicket(ticketKeys, claims)), settings.decisionMs, 2000)
    rows.push({ nodes, fleetBuildMs, snapshotMs, selectOnly, decideUnsigned, decideSigned })
    log(`in process, ${nodes} nodes: measured`)
  }
  return rows
}

interface HttpRun {
  readonly side: HttpSide
  readonly round: number
  readonly result: WrkResult
}

async function startNodeRedirector(group: ProcessGroup, isUnsigned: boolean): Promise<string> {
  const port = await findFreePort()
  const args = [SERVER_ENTRY, '--port', String(port), '--nodes', String(settings.httpNodes), ...(isUnsigned ? ['--unsigned'] : [])]
  const managed = group.start(isUnsigned ? 'unsigned node redirector' : 'node redirector', process.execPath, args)
  const baseUrl = `http://127.0.0.1:${port}`
  await waitUntilReady(`${baseUrl}/ready`, managed, 20_000)
  return baseUrl
}

async function startCoordinator(group: ProcessGroup, path: string): Promise<string> {
  const port = await findFreePort()
  const managed = group.start('coordinator', process.execPath, [COORDINATOR_ENTRY, '--port', String(port), '--nodes', String(settings.coordinatorNodes)])
  const baseUrl = `http://127.0.0.1:${port}`
  await waitUntilReady(`${baseUrl}/healthz`, managed, 20_000)
  // It listens before its zone and nodes exist: wait for the first 302.
  const deadline = Date.now() + 30_000
  for (;;) {
    const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(5000) })
    await response.arrayBuffer()
    if (response.status === 302) return baseUrl
    if (Date.now() > deadline || !managed.isRunning()) throw new BenchError('BENCH_SERVER_NOT_READY', `the coordinator still answers ${response.status} on ${path}.`, { details: managed.outputTail().trim() || '(no output)' })
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function startNginxRedirector(group: ProcessGroup, nginxPath: string, onWorkDir: (dir: string) => void): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'meson-bench-redirector-nginx-'))
  onWorkDir(workDir)
  const port = await findFreePort()
  const configPath = join(workDir, 'nginx.conf')
  await writeFile(configPath, renderNginxRedirectConfig({ workDir, listenPort: port }))
  // nginx must not run as root: as root, hand it the temp dir and drop to nobody.
  const isRoot = process.getuid?.() === 0
  if (isRoot) {
    await chown(workDir, UNPRIVILEGED_ID, UNPRIVILEGED_ID)
    await chown(configPath, UNPRIVILEGED_ID, UNPRIVILEGED_ID)
  }
  const managed = group.start('nginx', nginxPath, ['-p', workDir, '-c', configPath, '-e', join(workDir, 'error.log')], isRoot ? { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID } : {})
  const baseUrl = `http://127.0.0.1:${port}`
  await waitUntilReady(`${baseUrl}/ready`, managed, 10_000)
  return baseUrl
}

/** One request by hand, so a side that answers the wrong thing fails loudly before the load. */
async function checkRedirect(side: string, url: string, expectedPrefix: string): Promise<void> {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) })
  await response.arrayBuffer()
  const location = response.headers.get('location') ?? ''
  if (response.status !== 302 || !location.startsWith(expectedPrefix)) {
    throw new BenchError('BENCH_SERVER_NOT_READY', `${side} answered ${response.status} with Location ${JSON.stringify(location)}, not a 302 to ${expectedPrefix}.`)
  }
  log(`${side}: 302 -> ${location.length > 90 ? `${location.slice(0, 90)}...` : location} (${location.length} chars)`)
}

async function measureHttp(group: ProcessGroup, onWorkDir: (dir: string) => void): Promise<HttpRun[] | undefined> {
  const nginxPath = await findExecutable('nginx', process.env.PATH)
  const wrkPath = await findExecutable('wrk', process.env.PATH)
  if (nginxPath === undefined || wrkPath === undefined) {
    log(`skipping the HTTP comparison: ${nginxPath === undefined ? 'nginx' : 'wrk'} is not installed (apt-get install nginx wrk)`)
    return undefined
  }
  const path = '/z/bench/obj/1.bin'
  const baseUrls = new Map<HttpSide, string>()
  for (const side of settings.sides) {
    const baseUrl =
      side === 'nginx' ? await startNginxRedirector(group, nginxPath, onWorkDir) : side === 'coordinator' ? await startCoordinator(group, path) : await startNodeRedirector(group, side === 'node-unsigned')
    // The coordinator's fake nodes listen on loopback ports of their own.
    await checkRedirect(side, `${baseUrl}${path}`, side === 'coordinator' ? 'http://127.0.0.1:' : `http://127.0.0.1:1${path}${side === 'nginx' ? '' : '?mt='}`)
    baseUrls.set(side, baseUrl)
  }
  const runs: HttpRun[] = []
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [side, baseUrl] of baseUrls) {
      const result = await runWrk(group, { wrkPath, url: `${baseUrl}${path}`, threads: settings.threads, connections: settings.connections, duration: settings.duration })
      runs.push({ side, round, result })
      log(`round ${round}, ${side}: ${result.requestsPerSec.toFixed(0)} req/s, p99 ${result.latencyP99Ms.toFixed(2)} ms, errors ${result.socketErrors + result.non2xxOr3xx}`)
    }
  }
  return runs
}

function formatRate(rate: DecisionRate): string {
  return `${Math.round(rate.decisionsPerSec).toLocaleString('en-US').padStart(11)} /s (${rate.nsPerDecision.toFixed(0).padStart(6)} ns)`
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length
}

function formatReport(rows: readonly InProcessRow[], runs: readonly HttpRun[] | undefined): string {
  const lines = [
    '',
    `redirector benchmark (Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg().map((value) => value.toFixed(2)).join(' ')})`,
    '',
    '(a) in process, one thread: decisions per second (time per decision)',
    `${'nodes'.padStart(7)}  ${'fleet build'.padStart(11)}  ${'snapshot'.padStart(9)}  ${'selectNode only'.padEnd(25)}  ${'decideRedirect unsigned'.padEnd(25)}  decideRedirect + MAC ticket`,
    ...rows.map(
      (row) =>
        `${String(row.nodes).padStart(7)}  ${`${row.fleetBuildMs.toFixed(1)} ms`.padStart(11)}  ${`${row.snapshotMs.toFixed(1)} ms`.padStart(9)}  ${formatRate(row.selectOnly)}  ${formatRate(row.decideUnsigned)}  ${formatRate(row.decideSigned)}`,
    ),
  ]
  if (runs !== undefined) {
    lines.push('', `(b) HTTP over loopback, wrk -t${settings.threads} -c${settings.connections} -d${settings.duration}, ${settings.httpNodes}-node fleet, sides alternating (${settings.sides.join(', ')})`)
    lines.push(`${'round'.padStart(5)}  ${'side'.padEnd(13)}  ${'req/s'.padStart(10)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  errors`)
    for (const run of runs) {
      lines.push(
        `${String(run.round).padStart(5)}  ${run.side.padEnd(13)}  ${run.result.requestsPerSec.toFixed(0).padStart(10)}  ${run.result.latencyP50Ms.toFixed(2).padStart(7)}  ${run.result.latencyP99Ms.toFixed(2).padStart(7)}  ${run.result.socketErrors + run.result.non2xxOr3xx}`,
      )
    }
    const means = new Map(settings.sides.map((side) => [side, mean(runs.filter((run) => run.side === side).map((run) => run.result.requestsPerSec))]))
    lines.push(`mean req/s: ${[...means].map(([side, value]) => `${side} ${value.toFixed(0)}`).join(', ')}`)
    const nginxMean = means.get('nginx') ?? 0
    for (const side of ['node', 'node-unsigned', 'coordinator'] as const) {
      const sideMean = means.get(side)
      if (sideMean !== undefined && nginxMean > 0) lines.push(`ratio ${side}/nginx: ${(sideMean / nginxMean).toFixed(2)}`)
    }
  }
  return `${lines.join('\n')}\n`
}

async function main(): Promise<void> {
  const group = createProcessGroup()
  const tempDirs: string[] = []
  let isCleaningUp = false
  const cleanUp = async (): Promise<void> => {
    if (isCleaningUp) return
    isCleaningUp = true
    await group.stopAll()
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })))
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping every process the bench started`)
      void cleanUp().finally(() => process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15)))
    })
  }
  process.once('exit', () => group.signalAllNow())

  try {
    const startedAt = new Date()
    log(`settings: ${JSON.stringify(settings)}`)
    const geo = await openGeoIpLookup()
    const rows = measureInProcess(geo)
    const runs = settings.isHttpSkipped ? undefined : await measureHttp(group, (dir) => tempDirs.push(dir))
    process.stdout.write(formatReport(rows, runs))
    await mkdir(RESULTS_DIR, { recursive: true })
    const resultsPath = join(RESULTS_DIR, `redirector-${startedAt.toISOString().replaceAll(':', '-').replace('.', '-')}.json`)
    await writeFile(resultsPath, `${JSON.stringify({ benchmark: 'redirector', startedAt: startedAt.toISOString(), node: process.version, loadAverage: loadavg(), settings, inProcess: rows, http: runs ?? null }, null, 2)}\n`)
    process.stdout.write(`results written to ${resultsPath}\n`)
  } finally {
    await cleanUp()
  }
}

try {
  await main()
} catch (error) {
  if (isErrorWithCode(error, 'BENCH_INTERRUPTED')) {
    // A signal handler is already cleaning up.
  } else if (error instanceof BaseError) {
    process.stderr.write(`bench: ${error.message}\n`)
    process.exitCode = 1
  } else {
    throw error
  }
}
