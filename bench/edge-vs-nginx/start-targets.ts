import type { BenchConfig } from './bench-config.ts'
import type { BenchTarget } from './bench-target.ts'
import type { Tools } from './locate-tools.ts'
import type { OriginServer } from './origin-server.ts'
import type { ProcessGroup } from './process-group.ts'
import { startNginx } from './start-nginx.ts'
import { startNode } from './start-node.ts'

export interface StartTargetsParameters {
  readonly config: BenchConfig
  readonly tools: Tools
  readonly origin: OriginServer
  readonly group: ProcessGroup
  /** Called with each temp dir as soon as it exists, so cleanup finds it even on failure. */
  readonly onTempDir: (dir: string) => void
  readonly log: (line: string) => void
}

/** Starts every configured side in front of the origin, in the order of `config.sides`. */
export async function startTargets(parameters: StartTargetsParameters): Promise<BenchTarget[]> {
  const { config, tools, origin, group } = parameters
  const targets: BenchTarget[] = []
  for (const side of config.sides) {
    let target: BenchTarget | undefined
    if (side === 'nginx' && tools.nginx !== undefined) {
      const nginx = await startNginx({ nginxPath: tools.nginx, originPort: origin.port, group, onWorkDir: parameters.onTempDir })
      target = nginx
    } else if (side === 'node') {
      target = await startNode({
        originPort: origin.port,
        group,
        cacheSize: config.nodeCacheSize,
        memoryCache: config.nodeMemoryCache,
        extraArgs: config.nodeExtraArgs,
        onDataDir: parameters.onTempDir,
      })
    } else if (side === 'origin') {
      // The origin itself, no cache: a baseline for the harness, not a competitor.
      target = { side: 'origin', baseUrl: `http://127.0.0.1:${origin.port}`, pid: process.pid, cacheHeader: 'x-no-cache', isHit: () => false }
    }
    if (target !== undefined) {
      targets.push(target)
      parameters.log(`${side} is up at ${target.baseUrl}`)
    }
  }
  return targets
}
