// CPU per 4 KiB hit of node processes side by side (ADR 0006, "Fifth session"): a
// standalone node and a CDN-mode node (the real coordinator, a real MAC ticket) of this
// checkout and, with BASE_TREE, of another one (e.g. a `git worktree` of the commit to
// compare against), all running at once; wrk runs alternate between them, and each run's
// CPU is the node process's utime+stime from /proc around it, divided by its requests.
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BenchError } from '../edge-vs-nginx/bench-error.ts'
import { findExecutable } from '../edge-vs-nginx/find-executable.ts'
import { REPO_ROOT } from '../edge-vs-nginx/start-node.ts'

type OriginModule = typeof import('../edge-vs-nginx/origin-server.ts')
type ObjectsModule = typeof import('../edge-vs-nginx/bench-objects.ts')
type GroupModule = typeof import('../edge-vs-nginx/process-group.ts')
type WrkModule = typeof import('../edge-vs-nginx/run-wrk.ts')
type NodeModule = typeof import('../edge-vs-nginx/start-node.ts')
type NetworkModule = typeof import('./start-cdn-network.ts')

interface Side {
  readonly label: string
  readonly pid: number
  readonly url: string
  readonly cpuUs: number[]
}

const OBJECT_PATH = '/obj/4k.bin'
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

function log(line: string): void {
  process.stderr.write(`[cpu-per-hit] ${line}\n`)
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid: number): number {
  const fields = (readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return Number(fields[11]) + Number(fields[12])
}

async function importFrom<T>(tree: string, path: string): Promise<T> {
  return (await import(pathToFileURL(join(tree, path)).href)) as T
}

async function main(): Promise<void> {
  const wrkPath = await findExecutable('wrk', process.env.PATH)
  if (wrkPath === undefined) throw new BenchError('BENCH_TOOL_MISSING', 'wrk is needed for this benchmark.')
  const runs = Number(process.env.RUNS ?? '5')
  const duration = process.env.DURATION ?? '4s'
  const trees = process.env.BASE_TREE === undefined || process.env.BASE_TREE === '' ? [REPO_ROOT] : [process.env.BASE_TREE, REPO_ROOT]
  const { createProcessGroup } = await importFrom<GroupModule>(REPO_ROOT, 'bench/edge-vs-nginx/process-group.ts')
  const { runWrk } = await importFrom<WrkModule>(REPO_ROOT, 'bench/edge-vs-nginx/run-wrk.ts')
  const group = createProcessGroup()
  const cleanUps: (() => Promise<void>)[] = [() => group.stopAll()]
  process.once('exit', () => group.signalAllNow())
  try {
    const sides: Side[] = []
    for (const tree of trees) {
      const { startOriginServer } = await importFrom<OriginModule>(tree, 'bench/edge-vs-nginx/origin-server.ts')
      const { BENCH_OBJECTS } = await importFrom<ObjectsModule>(tree, 'bench/edge-vs-nginx/bench-objects.ts')
      const { startNode } = await importFrom<NodeModule>(tree, 'bench/edge-vs-nginx/start-node.ts')
      const { startCdnNetwork } = await importFrom<NetworkModule>(tree, 'bench/ticketed-hit/start-cdn-network.ts')
      const origin = await startOriginServer({ objects: BENCH_OBJECTS, slowDelayMs: 1000 })
      cleanUps.push(() => origin.close())
      const standalone = await startNode({ originPort: origin.port, group, cacheSize: '1GiB', memoryCache: '256MiB', extraArgs: [], onDataDir: () => undefined })
      sides.push({ label: `standalone ${tree}`, pid: standalone.pid, url: `${standalone.baseUrl}${OBJECT_PATH}`, cpuUs: [] })
      const network = await startCdnNetwork({ originPort: origin.port, group, memoryCache: '256MiB', extraNodeArgs: [], runtimeArgs: [], onTempDir: () => undefined })
      cleanUps.push(() => network.coordinator.close())
      sides.push({ label: `ticketed   ${tree}`, pid: network.node.pid, url: await network.ticketedUrl(OBJECT_PATH), cpuUs: [] })
    }
    for (const side of sides) {
      for (let index = 0; index < 3; index += 1) await (await fetch(side.url)).arrayBuffer()
      await runWrk(group, { wrkPath, url: side.url, threads: 1, connections: 50, duration: '2s' })
    }
    log(`load average at start ${loadavg().map((value) => value.toFixed(2)).join(' ')}`)
    for (let run = 0; run < runs; run += 1) {
      // Alternate the order, so no side always runs right after the same neighbour.
      for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
        const before = cpuTicks(side.pid)
        const result = await runWrk(group, { wrkPath, url: side.url, threads: 1, connections: 50, duration })
        if (result.non2xxOr3xx > 0) throw new BenchError('BENCH_WRK_FAILED', `${side.label}: ${String(result.non2xxOr3xx)} answers were not 2xx.`)
        side.cpuUs.push(((cpuTicks(side.pid) - before) * (1_000_000 / TICKS_PER_SECOND)) / result.requests)
      }
    }
    for (const side of sides) {
      const sorted = [...side.cpuUs].sort((a, b) => a - b)
      process.stdout.write(`${side.label}  µs/hit ${side.cpuUs.map((value) => value.toFixed(1)).join(', ')}  median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)}\n`)
    }
    log(`load average at end ${loadavg().map((value) => value.toFixed(2)).join(' ')}`)
  } finally {
    for (const cleanUp of cleanUps.reverse()) await cleanUp().catch(() => undefined)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof BenchError ? `${error.code}: ${error.message}` : String(error)}\n`)
  process.exitCode = 1
})
