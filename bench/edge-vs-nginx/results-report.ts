import type { ObjectComparison, HitRun } from './compare-sides.ts'
import type { MissReport } from './miss-latency.ts'
import type { BenchResults } from './bench-results.ts'
import type { SidePeakRss } from './peak-rss.ts'
import { renderTextTable } from './text-table.ts'
import type { WarmUpReport } from './warm-cache.ts'

const MIB = 1024 * 1024

function formatRate(bytesPerSec: number): string {
  return `${(bytesPerSec / MIB).toFixed(1)} MiB/s`
}

function formatMs(ms: number): string {
  return Number.isNaN(ms) ? '-' : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`
}

function formatRatio(ratio: number | undefined): string {
  return ratio === undefined ? '-' : ratio.toFixed(2)
}

/** The warm-up check: every request after the first should be a hit. */
export function formatWarmUpTable(reports: readonly WarmUpReport[]): string {
  return renderTextTable(
    ['side', 'object', 'statuses', 'cache header per request', 'hit after first'],
    reports.map((report) => [report.side, report.path, report.statuses.join(','), report.cacheHeaders.map((header) => header || '(none)').join(' | '), report.isHitAfterFirst ? 'yes' : 'NO']),
  )
}

/** Every wrk run, in the order it ran. */
export function formatHitRunsTable(runs: readonly HitRun[]): string {
  return renderTextTable(
    ['object', 'round', 'side', 'req/s', 'transfer/s', 'p50', 'p99', 'max', 'errors'],
    runs.map((run) => [
      run.object,
      String(run.round),
      run.side,
      run.wrk.requestsPerSec.toFixed(1),
      formatRate(run.wrk.transferBytesPerSec),
      formatMs(run.wrk.latencyP50Ms),
      formatMs(run.wrk.latencyP99Ms),
      formatMs(run.wrk.latencyMaxMs),
      String(run.wrk.socketErrors + run.wrk.non2xxOr3xx),
    ]),
  )
}

/** The mean per side and object, with node/nginx on each node row. */
export function formatMeansTable(comparisons: readonly ObjectComparison[]): string {
  const rows = comparisons.flatMap((comparison) =>
    comparison.means.map((mean) => [
      comparison.object,
      mean.side,
      String(mean.runs),
      mean.requestsPerSec.toFixed(1),
      formatRate(mean.transferBytesPerSec),
      formatMs(mean.latencyP50Ms),
      formatMs(mean.latencyP99Ms),
      String(mean.errors),
      mean.side === 'node' ? formatRatio(comparison.nodeOverNginx) : '',
    ]),
  )
  return renderTextTable(['object', 'side', 'runs', 'mean req/s', 'mean transfer/s', 'mean p50', 'mean p99', 'errors', 'node/nginx'], rows)
}

/** One line per object, e.g. `4KiB hit ratio node/nginx = 0.91 (target >= 0.80)`. */
export function formatSummaryLines(comparisons: readonly ObjectComparison[]): string[] {
  return comparisons.map((comparison) => {
    const verdict = comparison.meetsTarget === undefined ? ' [not measured]' : comparison.meetsTarget ? ' [met]' : ' [MISSED]'
    return `${comparison.object} hit ratio node/nginx = ${formatRatio(comparison.nodeOverNginx)} (target >= ${comparison.targetRatio.toFixed(2)})${verdict}`
  })
}

/** Cache-miss latency against the slow origin, and how well each side collapses. */
export function formatMissTable(reports: readonly MissReport[]): string {
  return renderTextTable(
    ['side', 'seq N', 'seq p50', 'seq max', 'seq origin hits', 'collapse N', 'origin hits', 'collapse p50', 'collapse max', 'non-200'],
    reports.map((report) => [
      report.side,
      String(report.sequential.count),
      formatMs(report.sequential.p50Ms),
      formatMs(report.sequential.maxMs),
      String(report.sequential.originHits),
      String(report.collapsing.concurrency),
      String(report.collapsing.originHits),
      formatMs(report.collapsing.p50Ms),
      formatMs(report.collapsing.maxMs),
      String(report.collapsing.non200),
    ]),
  )
}

/** Peak RSS (VmHWM) per process of each side, and the side's sum. */
export function formatPeakRssTable(peaks: readonly SidePeakRss[]): string {
  const rows = peaks.flatMap((peak) => {
    const total = peak.processes.reduce((sum, process) => sum + process.peakRssBytes, 0n)
    return [
      ...peak.processes.map((process) => [peak.side, process.command, String(process.pid), `${(Number(process.peakRssBytes) / MIB).toFixed(1)} MiB`]),
      [peak.side, '(sum)', '', `${(Number(total) / MIB).toFixed(1)} MiB`],
    ]
  })
  return renderTextTable(['side', 'process', 'pid', 'peak RSS'], rows)
}

/** The whole human-readable report of a run, tables then the one-line verdicts. */
export function formatBenchReport(results: BenchResults): string {
  const { config } = results
  const load = results.machine.loadAverageAtStart.map((value) => value.toFixed(2)).join(' ')
  const hasColdCache = results.warmUps.some((report) => !report.isHitAfterFirst)
  return [
    '',
    `edge-vs-nginx — ${results.startedAt} — commit ${results.revision.commit?.slice(0, 12) ?? '?'}${results.revision.hasUncommittedNodeChanges === true ? ' + uncommitted changes' : ''} — wrk -t${config.threads} -c${config.connections} -d${config.duration}, ${config.rounds} rounds, ${results.machine.cpus} CPUs, load at start ${load}`,
    '',
    'Warm-up (every request after the first must be a cache hit)',
    formatWarmUpTable(results.warmUps),
    '',
    'Cache hits, every run (in the order they ran)',
    formatHitRunsTable(results.hitRuns),
    '',
    'Cache hits, mean per side',
    formatMeansTable(results.comparisons),
    '',
    `Cache misses through a ${config.slowDelayMs} ms origin: ${config.slowRequestCount} distinct URLs one after another, then ${config.collapseConcurrency} concurrent requests to one fresh URL`,
    formatMissTable(results.misses),
    '',
    'Peak RSS (VmHWM at the end of the run)',
    formatPeakRssTable(results.peakRss),
    '',
    ...results.summary,
    ...(hasColdCache ? ['WARNING: a cache did not warm up (see the warm-up table); its numbers are not cache-hit numbers.'] : []),
    '',
  ].join('\n')
}
