import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BenchTarget } from './bench-target.ts'
import { isCacheStatusHit } from './cache-status.ts'
import { findFreePort } from './free-port.ts'
import type { ProcessGroup } from './process-group.ts'
import { READY_PATH } from './origin-server.ts'
import { waitUntilReady } from './wait-until-ready.ts'

/** The repository root, two folders above this file. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..')

export interface StartNodeParameters {
  readonly originPort: number
  readonly group: ProcessGroup
  readonly cacheSize: string
  readonly memoryCache: string
  readonly extraArgs: readonly string[]
  /** Told the data dir right away, so the caller can remove it even if start-up fails. */
  readonly onDataDir: (dir: string) => void
}

/**
 * Starts `meson-net node` standalone in front of the origin: one process, run by this
 * very Node binary (not through npx) so the pid we measure is the server's own.
 */
export async function startNode(parameters: StartNodeParameters): Promise<BenchTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-bench-node-'))
  parameters.onDataDir(dataDir)
  const port = await findFreePort()
  const bin = join(REPO_ROOT, 'node_modules', '.bin', 'meson-net')
  const args = [
    bin,
    'node',
    '--origin',
    `http://127.0.0.1:${parameters.originPort}`,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--cache-size',
    parameters.cacheSize,
    '--memory-cache',
    parameters.memoryCache,
    ...parameters.extraArgs,
  ]
  const managed = parameters.group.start('meson-net node', process.execPath, args, { cwd: REPO_ROOT })
  const baseUrl = `http://127.0.0.1:${port}`
  await waitUntilReady(`${baseUrl}${READY_PATH}`, managed, 20_000)
  return { side: 'node', baseUrl, pid: managed.pid, cacheHeader: 'cache-status', isHit: isCacheStatusHit }
}
