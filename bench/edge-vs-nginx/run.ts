// The edge-vs-nginx benchmark: the node's cache against a tuned nginx, same origin, same
// run. Composition root only; see bench/README.md for what it measures and how to read it.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { BaseError, isErrorWithCode } from '@meson/protocol'
import { parseBenchConfig } from './bench-config.ts'
import { BENCH_OBJECTS } from './bench-objects.ts'
import { resultsFileName, stringifyResults, type BenchResults } from './bench-results.ts'
import type { BenchTarget } from './bench-target.ts'
import { compareSides } from './compare-sides.ts'
import { findExecutable } from './find-executable.ts'
import { readGitRevision } from './git-revision.ts'
import { locateTools } from './locate-tools.ts'
import { measureMisses, type MissReport } from './miss-latency.ts'
import { startOriginServer, type OriginServer } from './origin-server.ts'
import { readPeakRss, readPeakRssOfTree, type SidePeakRss } from './peak-rss.ts'
import { createProcessGroup } from './process-group.ts'
import { formatBenchReport, formatSummaryLines } from './results-report.ts'
import { runHitRounds } from './run-hit-rounds.ts'
import { REPO_ROOT } from './start-node.ts'
import { startTargets } from './start-targets.ts'
import { readToolVersion } from './tool-version.ts'
import { warmCache, type WarmUpReport } from './warm-cache.ts'

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results')
const EXIT_CODE_OF_SIGNAL = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const

// Set by the signal handlers; an object so flow analysis does not pin it to its first value.
const interruption: { signal: NodeJS.Signals | undefined } = { signal: undefined }

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`)
}

async function warmAll(targets: readonly BenchTarget[]): Promise<WarmUpReport[]> {
  const reports: WarmUpReport[] = []
  // The bare origin has no cache to warm.
  for (const target of targets.filter((candidate) => candidate.side !== 'origin')) {
    for (const object of BENCH_OBJECTS) reports.push(await warmCache(target, object.path))
  }
  for (const report of reports.filter((candidate) => !candidate.isHitAfterFirst)) {
    log(`WARNING: ${report.side} did not serve ${report.path} from cache after warm-up; its numbers are not hit numbers`)
  }
  return reports
}

async function readPeakRssOfTargets(targets: readonly BenchTarget[]): Promise<SidePeakRss[]> {
  const peaks: SidePeakRss[] = []
  for (const target of targets) {
    // The in-process origin shares this process, whose children are the servers under test.
    const processes = target.side === 'origin' ? [await readPeakRss(target.pid)].filter((peak) => peak !== undefined) : await readPeakRssOfTree(target.pid)
    peaks.push({ side: target.side, processes })
  }
  return peaks
}

async function main(): Promise<void> {
  const config = parseBenchConfig(process.env)
  const tools = await locateTools(config.sides, (name) => findExecutable(name, process.env.PATH))
  const group = createProcessGroup()
  const tempDirs: string[] = []
  let origin: OriginServer | undefined

  let isCleaningUp = false
  const cleanUp = async (): Promise<void> => {
    if (isCleaningUp) return
    isCleaningUp = true
    await group.stopAll()
    await origin?.close()
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })))
  }
  // Every way out stops what we started: Ctrl-C, kill, a closed terminal, a crash.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      interruption.signal = signal
      log(`${signal}: stopping every process the bench started`)
      void cleanUp().finally(() => process.exit(EXIT_CODE_OF_SIGNAL[signal]))
    })
  }
  process.once('exit', () => group.signalAllNow())

  try {
    const startedAt = new Date()
    const loadAverageAtStart = loadavg()
    log(`config: ${JSON.stringify(config)}`)
    origin = await startOriginServer({ objects: BENCH_OBJECTS, slowDelayMs: config.slowDelayMs })
    log(`origin on 127.0.0.1:${origin.port}`)
    const targets = await startTargets({ config, tools, origin, group, onTempDir: (dir) => tempDirs.push(dir), log })

    const warmUps = await warmAll(targets)
    const hitRuns = await runHitRounds({ config, objects: BENCH_OBJECTS, targets, wrkPath: tools.wrk, group, log })

    const runTag = startedAt.getTime().toString(36)
    const misses: MissReport[] = []
    for (const target of targets) {
      misses.push(await measureMisses(target, origin, { runTag, sequentialCount: config.slowRequestCount, concurrency: config.collapseConcurrency }))
      log(`${target.side}: cache-miss latency measured`)
    }
    // VmHWM is the peak over a process's life, so reading it last covers every phase.
    const peakRss = await readPeakRssOfTargets(targets)

    const comparisons = BENCH_OBJECTS.map((object) => compareSides(hitRuns, object.name, config.sides, object.targetRatio))
    const results: BenchResults = {
      benchmark: 'edge-vs-nginx',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        loadAverageAtStart,
        loadAverageAtEnd: loadavg(),
        node: process.version,
        nginx: tools.nginx === undefined ? undefined : await readToolVersion(tools.nginx, ['-v']),
        wrk: await readToolVersion(tools.wrk, ['-v']),
      },
      revision: await readGitRevision(REPO_ROOT),
      config,
      objects: BENCH_OBJECTS,
      warmUps,
      hitRuns,
      comparisons,
      summary: formatSummaryLines(comparisons),
      misses,
      peakRss,
    }
    process.stdout.write(formatBenchReport(results))
    await mkdir(RESULTS_DIR, { recursive: true })
    const resultsPath = join(RESULTS_DIR, resultsFileName(startedAt))
    await writeFile(resultsPath, stringifyResults(results))
    process.stdout.write(`results written to ${resultsPath}\n`)
  } finally {
    await cleanUp()
  }
}

try {
  await main()
} catch (error) {
  if (isErrorWithCode(error, 'BENCH_INTERRUPTED') || interruption.signal !== undefined) {
    // The signal handler is already cleaning up and will exit with the signal's code.
  } else if (error instanceof BaseError) {
    process.stderr.write(`bench: ${error.message}\n`)
    process.exitCode = 1
  } else {
    throw error
  }
}
