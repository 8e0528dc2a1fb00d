// bench/epoch: closes one epoch for simulated fleets on SQLite and PostgreSQL and
// reports time and peak memory, next to the peer "bulk INSERT floor" (plain multi-row
// INSERTs of the same number of rows, nothing else) in the same run. Each step runs
// in its own process, so its peak RSS is its own. See bench/README.md ("epoch").
import { execFile } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { dropTestSchemas, TEST_PG_URL, whyPostgresUnreachable } from '@meson/coordinator/testing'

const run = promisify(execFile)
const WORKER = fileURLToPath(new URL('./epoch-worker.ts', import.meta.url))
const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url))
const SIZES = (process.env['SIZES'] ?? '10000,100000,1000000').split(',').map(Number)
const BACKENDS = (process.env['BACKENDS'] ?? 'sqlite,postgres').split(',')
/** V8 heap limit of each step, MiB (a lower one makes the garbage collector work harder and RSS smaller). */
const HEAP_MB = process.env['HEAP_MB'] ?? '4096'

interface StepResult {
  readonly ms: number
  /** CPU time of the step's own process (user + system), whole run of the close step. */
  readonly cpuMs?: number
  readonly maxRssBytes: number
  readonly phases?: Record<string, number>
  readonly nodesRewarded?: number
}

async function step(name: string, url: string, schema: string, count: number): Promise<StepResult> {
  const { stdout } = await run(process.execPath, [`--max-old-space-size=${HEAP_MB}`, WORKER, name, url, schema, String(count)], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as StepResult
}

const dir = await mkdtemp(join(tmpdir(), 'meson-bench-epoch-'))
const schemas: string[] = []
const rows: string[] = []
try {
  const pgUnreachable = BACKENDS.includes('postgres') ? await whyPostgresUnreachable() : undefined
  for (const backend of BACKENDS) {
    if (backend === 'postgres' && pgUnreachable !== undefined) {
      console.log(`postgres: skipped (${pgUnreachable})`)
      continue
    }
    for (const count of SIZES) {
      const target = (suffix: string): { url: string; schema: string } => {
        if (backend === 'sqlite') return { url: `sqlite:${join(dir, `${count}-${suffix}.db`)}`, schema: '-' }
        const schema = `meson_bench_epoch_${process.pid}_${count}_${suffix}`
        schemas.push(schema)
        return { url: TEST_PG_URL, schema }
      }
      const close = target('close')
      await step('seed', close.url, close.schema, count)
      const result = await step('close', close.url, close.schema, count)
      const floorTarget = target('floor')
      const floor = await step('floor', floorTarget.url, floorTarget.schema, count)
      const line = `${backend.padEnd(8)} ${String(count).padStart(9)} nodes: close ${(result.ms / 1000).toFixed(2)} s (CPU ${((result.cpuMs ?? 0) / 1000).toFixed(2)} s, ${result.nodesRewarded ?? "?"} rewarded), peak RSS ${(result.maxRssBytes / 2 ** 20).toFixed(0)} MiB | floor ${(floor.ms / 1000).toFixed(2)} s | close/floor ${(result.ms / floor.ms).toFixed(2)}x | phases ${JSON.stringify(Object.fromEntries(Object.entries(result.phases ?? {}).map(([key, ms]) => [key, Math.round(ms)])))}`
      console.log(line)
      rows.push(line)
      await dropTestSchemas(schemas.splice(0))
      await rm(join(dir, `${count}-close.db`), { force: true })
    }
  }
  await mkdir(RESULTS_DIR, { recursive: true })
  await writeFile(join(RESULTS_DIR, `epoch-${new Date().toISOString().replaceAll(':', '-')}.txt`), `${rows.join('\n')}\n`)
} finally {
  await dropTestSchemas(schemas)
  await rm(dir, { recursive: true, force: true })
}
