// Ticketed cache hits: a CDN-mode node behind the real coordinator against nginx
// proxy_cache on the same origin object, same run (issue #8, deliverable 5). The node
// side is wrk on the redirector's 302 Location, so every request carries a real MAC
// ticket the node checks (ADR 0016) and meters (usage WAL). See bench/README.md.
import { rm } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { BaseError } from '@meson/protocol'
import { BenchError } from '../edge-vs-nginx/bench-error.ts'
import { parseBenchConfig } from '../edge-vs-nginx/bench-config.ts'
import { BENCH_OBJECTS } from '../edge-vs-nginx/bench-objects.ts'
import type { BenchTarget } from '../edge-vs-nginx/bench-target.ts'
import { isCacheStatusHit } from '../edge-vs-nginx/cache-status.ts'
import { compareSides } from '../edge-vs-nginx/compare-sides.ts'
import type { HitRun } from '../edge-vs-nginx/compare-sides.ts'
import { findExecutable } from '../edge-vs-nginx/find-executable.ts'
import { locateTools } from '../edge-vs-nginx/locate-tools.ts'
import { startOriginServer } from '../edge-vs-nginx/origin-server.ts'
import type { OriginServer } from '../edge-vs-nginx/origin-server.ts'
import { readPeakRssOfTree } from '../edge-vs-nginx/peak-rss.ts'
import type { SidePeakRss } from '../edge-vs-nginx/peak-rss.ts'
import { createProcessGroup } from '../edge-vs-nginx/process-group.ts'
import { formatHitRunsTable, formatMeansTable, formatPeakRssTable, formatSummaryLines, formatWarmUpTable } from '../edge-vs-nginx/results-report.ts'
import { runWrk } from '../edge-vs-nginx/run-wrk.ts'
import { startNginx } from '../edge-vs-nginx/start-nginx.ts'
import { warmCache } from '../edge-vs-nginx/warm-cache.ts'
import type { WarmUpReport } from '../edge-vs-nginx/warm-cache.ts'
import { startCdnNetwork } from './start-cdn-network.ts'
import type { CdnNetwork } from './start-cdn-network.ts'

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`)
}

async function main(): Promise<void> {
  const config = parseBenchConfig({ ...process.env, SIDES: 'nginx,node' })
  const tools = await locateTools(config.sides, (name) => findExecutable(name, process.env.PATH))
  if (tools.nginx === undefined) throw new BenchError('BENCH_TOOL_MISSING', 'nginx is needed for this benchmark.')
  const group = createProcessGroup()
  const tempDirs: string[] = []
  let origin: OriginServer | undefined
  let network: CdnNetwork | undefined
  const cleanUp = async (): Promise<void> => {
    await group.stopAll()
    await network?.coordinator.close()
    await origin?.close()
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
    const loadAtStart = loadavg()
    log(`config: ${JSON.stringify(config)}`)
    origin = await startOriginServer({ objects: BENCH_OBJECTS, slowDelayMs: config.slowDelayMs })
    const nginx = await startNginx({ nginxPath: tools.nginx, originPort: origin.port, group, onWorkDir: (dir) => tempDirs.push(dir) })
    network = await startCdnNetwork({ originPort: origin.port, group, memoryCache: config.nodeMemoryCache, extraNodeArgs: config.nodeExtraArgs, runtimeArgs: (process.env.NODE_RUNTIME_ARGS ?? '').split(/\s+/).filter((arg) => arg !== ''), ...(process.env.NODE_BIN === undefined || process.env.NODE_BIN === '' ? {} : { binPath: process.env.NODE_BIN }), onTempDir: (dir) => tempDirs.push(dir) })
    log(`nginx at ${nginx.baseUrl}, coordinator at ${network.coordinator.url}, CDN node at ${network.nodeUrl}`)

    // One ticket per object, from the redirector, reused by every wrk request (a browser
    // following the 302 once and then fetching the same URL is the same).
    const ticketedUrls = new Map<string, string>()
    for (const object of BENCH_OBJECTS) ticketedUrls.set(object.path, await network.ticketedUrl(object.path))
    const nodeTarget: BenchTarget = { side: 'node', baseUrl: network.nodeUrl, pid: network.node.pid, cacheHeader: 'cache-status', isHit: isCacheStatusHit }
    const urlOf = (target: BenchTarget, path: string): string => (target.side === 'node' ? (ticketedUrls.get(path) ?? '') : `${target.baseUrl}${path}`)
    const warmUps: WarmUpReport[] = []
    for (const target of [nginx, nodeTarget]) {
      for (const object of BENCH_OBJECTS) {
        const url = new URL(urlOf(target, object.path))
        warmUps.push(await warmCache({ ...target, baseUrl: url.origin }, `${url.pathname}${url.search}`))
      }
    }

    const runs: HitRun[] = []
    for (const object of BENCH_OBJECTS) {
      for (let round = 1; round <= config.rounds; round++) {
        for (const target of [nginx, nodeTarget]) {
          const wrk = await runWrk(group, { wrkPath: tools.wrk, url: urlOf(target, object.path), threads: config.threads, connections: config.connections, duration: config.duration })
          runs.push({ object: object.name, side: target.side, round, wrk })
          log(`${object.name} round ${String(round)} ${target.side === 'node' ? 'CDN node' : 'nginx'}: ${wrk.requestsPerSec.toFixed(1)} req/s`)
        }
      }
    }
    const peakRss: SidePeakRss[] = [
      { side: 'nginx', processes: await readPeakRssOfTree(nginx.pid) },
      { side: 'node', processes: await readPeakRssOfTree(network.node.pid) },
    ]
    const comparisons = BENCH_OBJECTS.map((object) => compareSides(runs, object.name, config.sides, object.targetRatio))
    process.stdout.write(
      [
        '',
        `ticketed-hit — ${startedAt.toISOString()} — CDN-mode node (real coordinator, ?mt= MAC ticket) vs nginx proxy_cache — wrk -t${String(config.threads)} -c${String(config.connections)} -d${config.duration}, ${String(config.rounds)} rounds, ${String(availableParallelism())} CPUs, load at start ${loadAtStart.map((value) => value.toFixed(2)).join(' ')}`,
        '',
        'Warm-up (every request after the first must be a cache hit)',
        formatWarmUpTable(warmUps),
        '',
        'Ticketed hits, every run',
        formatHitRunsTable(runs),
        '',
        'Ticketed hits, mean per side (node = the CDN-mode node with its ticket)',
        formatMeansTable(comparisons),
        '',
        'Peak RSS (VmHWM at the end of the run)',
        formatPeakRssTable(peakRss),
        '',
        ...formatSummaryLines(comparisons),
        ...(warmUps.some((report) => !report.isHitAfterFirst) ? ['WARNING: a cache did not warm up (see the warm-up table); its numbers are not cache-hit numbers.'] : []),
        '',
      ].join('\n'),
    )
  } finally {
    await cleanUp()
  }
}

try {
  await main()
} catch (error) {
  if (!(error instanceof BaseError)) throw error
  process.stderr.write(`bench: ${error.message}\n${error.details ?? ''}\n`)
  process.exitCode = 1
}
