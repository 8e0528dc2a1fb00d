import assert from 'node:assert/strict'
import { loadNodeModeConfig, startCoordinatorNode } from '@meson/node'
import type { RunningCoordinatorNode, StartCoordinatorNodeDependencies } from '@meson/node'

/**
 * Test support (not a test): starts a real node in coordinator mode from its flags (as
 * `meson-net node` would get them) and waits until it registered, failing the test with
 * the coordinator's reason otherwise. `onStarted` runs before the wait, for what the
 * registration itself needs (e.g. pointing a front at the node's URL).
 */
export async function startRegisteredNode(
  flags: Readonly<Record<string, string>>,
  options: { readonly dependencies?: StartCoordinatorNodeDependencies; readonly onStarted?: (node: RunningCoordinatorNode) => void } = {},
): Promise<RunningCoordinatorNode> {
  const loaded = loadNodeModeConfig({ env: {}, flags })
  assert.equal(loaded.mode, 'coordinator')
  const node = await startCoordinatorNode(loaded.config, options.dependencies ?? {})
  options.onStarted?.(node)
  const outcome = await node.registered
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message)
  return node
}
