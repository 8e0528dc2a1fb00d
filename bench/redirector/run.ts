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
import { createCachedCountryLookup, decideRedirect, selectNode, ZoneDirectory } from '@meson/coordinator/routing'
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
import { treeCpuSeconds, treePeakRssKiB } from './process-cpu.ts'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results')
const SERVER_ENTRY = fileURLToPath(new URL('./redirect-server.ts', import.meta.url))
const COORDINATOR_ENTRY = fileURLToPath(new URL('./coordinator-server.ts', import.meta.url))
/** Debian's nobody/nogroup: nginx runs as them when the bench runs as root. */
const UNPRIVILEGED_ID = 65534
const FLEET_SIZES = [10, 1000, 100_000] as const
/**
 * nginx's bare `return 302`; the node redirector; the node redirector with a placeholder
 * ticket; the real coordinator (its raw connection path in front of node:http, ADR 0016),
 * one per fleet size of COORDINATOR_NODES; the real coordinator on node:http only
 * (`redirectRawConnections` off), at the first fleet size; the real coordinator with
 * REDIRECT_WORKERS redirect worker processes on its redirect port (ADR 0016, fifth
 * session), one per fleet size: several processes, so compare its "cores" column.
 */
const HTTP_SIDES = ['nginx', 'node', 'node-unsigned', 'coordinator', 'coordinator-http', 'coordinator-workers'] as const
type HttpSide = (typeof HTTP_SIDES)[number]

const settings = {
  decisionMs: Number(process.env.DECISION_MS ?? '1000'),
  duration: process.env.DURATION ?? '10s',
  connections: Number(process.env.CONNECTIONS ?? '50'),
  threads: Number(process.env.THREADS ?? '1'),
  rounds: Number(process.env.ROUNDS ?? '2'),
  httpNodes: Number(process.env.HTTP_NODES ?? '1000'),
  /** Fleet sizes of the real coordinator (one coordinator process each). */
  coordinatorNodes: (process.env.COORDINATOR_NODES ?? FLEET_SIZES.join(',')).split(',').map(Number),
  isHttpSkipped: process.env.SKIP_HTTP === '1',
  /** Redirect worker processes of the `coordinator-workers` side. */
  redirectWorkers: Number(process.env.REDIRECT_WORKERS ?? '2'),
  sides: (process.env.SIDES ?? 'nginx,coordinator,coordinator-http').split(',').filter((side): side is HttpSide => (HTTP_SIDES as readonly string[]).includes(side)),
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
    // The server caches each client's country (createRedirector); so does this loop. The
    // 4 096 clients all fit in the cache, so this measures the steady state of a client
    // that asks again; an uncached public-address lookup costs ~28 us on this machine.
    const cachedGeo = createCachedCountryLookup(geo)
    const decide = (index: number, sign: (claims: TicketClaims) => string): unknown =>
      decideRedirect({
        zone: 'bench',
        path: paths[index & 8191] ?? '/',
        clientIp: clients[index & mask] ?? '',
        now: 1_700_000_000_000 + index,
        fleet: view,
        zones,
        geo: cachedGeo,
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
  /** The side, and for a coordinator its fleet size: `coordinator/100000`. */
  readonly side: string
  readonly round: number
  readonly result: WrkResult
  /** CPU seconds the side's processes (and their children) used during the run, and its wall time. */
  readonly serverCpuSeconds: number
  readonly wallSeconds: number
}

/** One server under load. */
interface HttpTarget {
  readonly label: string
  readonly side: HttpSide
  readonly baseUrl: string
  /** The side's root process: its tree's CPU time and peak RSS are reported. */
  readonly pid: number
}

async function startNodeRedirector(group: ProcessGroup, isUnsigned: boolean): Promise<{ readonly baseUrl: string; readonly pid: number }> {
  const port = await findFreePort()
  const args = [SERVER_ENTRY, '--port', String(port), '--nodes', String(settings.httpNodes), ...(isUnsigned ? ['--unsigned'] : [])]
  const managed = group.start(isUnsigned ? 'unsigned node redirector' : 'node redirector', process.execPath, args)
  const baseUrl = `http://127.0.0.1:${port}`
  await waitUntilReady(`${baseUrl}/ready`, managed, 20_000)
  return { baseUrl, pid: managed.pid }
}

async function startCoordinator(group: ProcessGroup, path: string, nodes: number, isRaw: boolean, workers: number): Promise<{ readonly baseUrl: string; readonly pid: number }> {
  const port = await findFreePort()
  const managed = group.start(`coordinator/${String(nodes)}`, process.execPath, [COORDINATOR_ENTRY, '--port', String(port), '--nodes', String(nodes), '--raw-connections', String(isRaw), '--redirect-workers', String(workers)])
  const apiUrl = `http://127.0.0.1:${port}`
  // A shared, loaded machine can take a while to start a coordinator.
  await waitUntilReady(`${apiUrl}/healthz`, managed, 90_000)
  // With redirect workers, zone requests go to the workers' port, which the server prints.
  const baseUrl = workers === 0 ? apiUrl : await redirectUrlOf(managed)
  // It listens before its zone and nodes exist: wait for the first 302.
  const deadline = Date.now() + 90_000
  for (;;) {
    // Loading 100 000 nodes keeps its event loop busy for seconds: a timeout is a retry.
    let status = 0
    try {
      const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(5000) })
      await response.arrayBuffer()
      status = response.status
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'TimeoutError')) throw error
    }
    if (status === 302) return { baseUrl, pid: managed.pid }
    if (Date.now() > deadline || !managed.isRunning()) throw new BenchError('BENCH_SERVER_NOT_READY', `the coordinator still answers ${String(status)} on ${path}.`, { details: managed.outputTail().trim() || '(no output)' })
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function redirectUrlOf(managed: ReturnType<ProcessGroup['start']>): Promise<string> {
  const deadline = Date.now() + 90_000
  for (;;) {
    const match = /redirect workers on (http:\/\/[\d.]+:\d+)/.exec(managed.outputTail())
    if (match?.[1] !== undefined) return match[1]
    if (Date.now() > deadline || !managed.isRunning()) throw new BenchError('BENCH_SERVER_NOT_READY', 'the coordinator did not start its redirect workers.', { details: managed.outputTail().trim() || '(no output)' })
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function startNginxRedirector(group: ProcessGroup, nginxPath: string, onWorkDir: (dir: string) => void): Promise<{ readonly baseUrl: string; readonly pid: number }> {
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
  return { baseUrl, pid: managed.pid }
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

async function measureHttp(group: ProcessGroup, onWorkDir: (dir: string) => void): Promise<HttpResults | undefined> {
  const nginxPath = await findExecutable('nginx', process.env.PATH)
  const wrkPath = await findExecutable('wrk', process.env.PATH)
  if (nginxPath === undefined || wrkPath === undefined) {
    log(`skipping the HTTP comparison: ${nginxPath === undefined ? 'nginx' : 'wrk'} is not installed (apt-get install nginx wrk)`)
    return undefined
  }
  const path = '/z/bench/obj/1.bin'
  const targets: HttpTarget[] = []
  for (const side of settings.sides) {
    if (side === 'coordinator' || side === 'coordinator-http' || side === 'coordinator-workers') {
      const sizes = side === 'coordinator-http' ? settings.coordinatorNodes.slice(0, 1) : settings.coordinatorNodes
      for (const nodes of sizes) {
        const workers = side === 'coordinator-workers' ? settings.redirectWorkers : 0
        const started = await startCoordinator(group, path, nodes, side !== 'coordinator-http', workers)
        const label = `${side === 'coordinator-workers' ? `coordinator-${String(workers)}w` : side}/${String(nodes)}`
        // The seeded nodes listen nowhere; their URLs are on 127/8.
        await checkRedirect(label, `${started.baseUrl}${path}`, 'http://127.')
        targets.push({ label, side, baseUrl: started.baseUrl, pid: started.pid })
      }
      continue
    }
    const started = side === 'nginx' ? await startNginxRedirector(group, nginxPath, onWorkDir) : await startNodeRedirector(group, side === 'node-unsigned')
    await checkRedirect(side, `${started.baseUrl}${path}`, `http://127.0.0.1:1${path}${side === 'nginx' ? '' : '?mt='}`)
    targets.push({ label: side, side, baseUrl: started.baseUrl, pid: started.pid })
  }
  const runs: HttpRun[] = []
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of targets) {
      const cpuBefore = await treeCpuSeconds(target.pid)
      const startedAt = performance.now()
      const result = await runWrk(group, { wrkPath, url: `${target.baseUrl}${path}`, threads: settings.threads, connections: settings.connections, duration: settings.duration })
      const wallSeconds = (performance.now() - startedAt) / 1000
      const serverCpuSeconds = (await treeCpuSeconds(target.pid)) - cpuBefore
      runs.push({ side: target.label, round, result, serverCpuSeconds, wallSeconds })
      log(`round ${round}, ${target.label}: ${result.requestsPerSec.toFixed(0)} req/s, p99 ${result.latencyP99Ms.toFixed(2)} ms, errors ${result.socketErrors + result.non2xxOr3xx}, server CPU ${(serverCpuSeconds / wallSeconds).toFixed(2)} cores`)
    }
  }
  const peakRssKiB = new Map<string, number>()
  for (const target of targets) {
    const rss = await treePeakRssKiB(target.pid)
    if (rss !== undefined) peakRssKiB.set(target.label, rss)
  }
  return { runs, labels: targets.map((target) => target.label), peakRssKiB }
}

interface HttpResults {
  readonly runs: readonly HttpRun[]
  /** Targets in the order they ran. */
  readonly labels: readonly string[]
  readonly peakRssKiB: ReadonlyMap<string, number>
}

function formatRate(rate: DecisionRate): string {
  return `${Math.round(rate.decisionsPerSec).toLocaleString('en-US').padStart(11)} /s (${rate.nsPerDecision.toFixed(0).padStart(6)} ns)`
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length
}

function formatReport(rows: readonly InProcessRow[], http: HttpResults | undefined): string {
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
  if (http !== undefined) {
    const { runs } = http
    lines.push('', `(b) HTTP over loopback, wrk -t${settings.threads} -c${settings.connections} -d${settings.duration}, sides alternating (${http.labels.join(', ')}); node sides: ${settings.httpNodes}-node fleet`)
    lines.push(`${'round'.padStart(5)}  ${'side'.padEnd(24)}  ${'req/s'.padStart(10)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  errors`)
    for (const run of runs) {
      lines.push(
        `${String(run.round).padStart(5)}  ${run.side.padEnd(24)}  ${run.result.requestsPerSec.toFixed(0).padStart(10)}  ${run.result.latencyP50Ms.toFixed(2).padStart(7)}  ${run.result.latencyP99Ms.toFixed(2).padStart(7)}  ${run.result.socketErrors + run.result.non2xxOr3xx}`,
      )
    }
    const means = new Map(http.labels.map((label) => [label, mean(runs.filter((run) => run.side === label).map((run) => run.result.requestsPerSec))]))
    const nginxMean = means.get('nginx') ?? 0
    lines.push(
      '',
      `processes: nginx = 1 master + 1 worker (worker_processes 1); coordinator = 1 process; coordinator-${String(settings.redirectWorkers)}w = 1 primary (API, idle here) + ${String(settings.redirectWorkers)} redirect worker processes; wrk -t${String(settings.threads)} on the same ${String(availableParallelism())} CPUs.`,
      '"cores" = CPU seconds of the side\'s process tree per second of load; "CPU us/req" = that CPU time per request.',
      '',
      `${'side'.padEnd(24)}  ${'mean req/s'.padStart(10)}  ${'vs nginx'.padStart(8)}  ${'cores'.padStart(5)}  ${'CPU us/req'.padStart(10)}  peak RSS`,
    )
    for (const [label, value] of means) {
      const rss = http.peakRssKiB.get(label)
      const sideRuns = runs.filter((run) => run.side === label)
      const cores = mean(sideRuns.map((run) => run.serverCpuSeconds / run.wallSeconds))
      const cpuPerRequestUs = mean(sideRuns.map((run) => (run.serverCpuSeconds * 1e6) / Math.max(1, run.result.requests)))
      lines.push(
        `${label.padEnd(24)}  ${value.toFixed(0).padStart(10)}  ${(nginxMean > 0 ? `${(value / nginxMean).toFixed(2)}x` : '-').padStart(8)}  ${cores.toFixed(2).padStart(5)}  ${cpuPerRequestUs.toFixed(1).padStart(10)}  ${rss === undefined ? '-' : `${(rss / 1024).toFixed(0)} MiB`}`,
      )
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
    const http = settings.isHttpSkipped ? undefined : await measureHttp(group, (dir) => tempDirs.push(dir))
    process.stdout.write(formatReport(rows, http))
    await mkdir(RESULTS_DIR, { recursive: true })
    const resultsPath = join(RESULTS_DIR, `redirector-${startedAt.toISOString().replaceAll(':', '-').replace('.', '-')}.json`)
    await writeFile(resultsPath, `${JSON.stringify({ benchmark: 'redirector', startedAt: startedAt.toISOString(), node: process.version, loadAverage: loadavg(), settings, inProcess: rows, http: http === undefined ? null : { runs: http.runs, peakRssKiB: Object.fromEntries(http.peakRssKiB) } }, null, 2)}\n`)
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
