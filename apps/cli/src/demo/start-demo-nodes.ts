import { join } from 'node:path'
import { loadNodeModeConfig, startCoordinatorNode } from '@meson/node'
import type { RunningCoordinatorNode } from '@meson/node'

export interface DemoNodesOptions {
  readonly count: number
  readonly coordinatorUrl: string
  readonly operatorToken: string
  readonly dataDir: string
  /** First node's port; 0 = free ports for all. */
  readonly firstPort: number
  readonly heartbeatIntervalMs: number
}

/**
 * Starts `count` edge nodes in coordinator mode, one data dir each, and waits until
 * every one is registered. A refusal stops the ones already started and throws the
 * coordinator's reason.
 */
export async function startDemoNodes(options: DemoNodesOptions): Promise<readonly RunningCoordinatorNode[]> {
  const nodes: RunningCoordinatorNode[] = []
  try {
    for (let index = 0; index < options.count; index += 1) {
      const loaded = loadNodeModeConfig({
        // The demo's settings only: the caller's environment must not leak into its nodes.
        env: {},
        flags: {
          coordinatorUrl: options.coordinatorUrl,
          operatorToken: options.operatorToken,
          host: '127.0.0.1',
          port: String(options.firstPort === 0 ? 0 : options.firstPort + index),
          dataDir: join(options.dataDir, `node-${index + 1}`),
          cacheSizeBytes: '256MiB',
          memoryCacheBytes: '32MiB',
          heartbeatIntervalMs: String(options.heartbeatIntervalMs),
          usageFlushIntervalMs: '2000',
        },
      })
      if (loaded.mode !== 'coordinator') throw new Error('the demo node config did not select coordinator mode')
      const node = await startCoordinatorNode(loaded.config)
      nodes.push(node)
      const outcome = await node.registered
      if (!outcome.ok) throw outcome.error
    }
    return nodes
  } catch (error) {
    await Promise.allSettled(nodes.map((node) => node.stop()))
    throw error
  }
}
