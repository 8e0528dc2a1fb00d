// Only the settings are loaded to build the options; the node itself is imported when
// the command runs, so `meson-net --help` and the other commands don't pay for it.
import { COORDINATOR_MODE_SETTINGS, loadNodeModeConfig, NODE_SETTINGS, NodeConfigError } from '@meson/node/config'
import type { CoordinatorModeConfig, CoordinatorNodeConfig, NodeConfig, NodeModeConfig } from '@meson/node/config'
import type { NodeLogger } from '@meson/node'
import { readFile } from 'node:fs/promises'
import { Option } from 'commander'
import type { Command } from 'commander'
import { waitForStopSignal } from '../wait-for-stop-signal.ts'

/** Exit code when the coordinator refuses this node (version, IP in use, callback failed …). */
export const EXIT_COORDINATOR_REFUSED = 3

/** `meson-net node`: runs an edge node, standalone (`--origin URL`) or in coordinator mode (`--coordinator URL`). */
export function registerNodeCommand(program: Command): void {
  const command = program
    .command('node')
    .description('run an edge node: standalone, a caching reverse proxy in front of --origin; or in coordinator mode (--coordinator, --token)')
  for (const setting of [...NODE_SETTINGS, ...COORDINATOR_MODE_SETTINGS]) {
    const valueName = setting.key === 'originUrl' || setting.key === 'coordinatorUrl' || setting.key === 'publicUrl' ? 'url' : 'value'
    // A secret: say where else it may come from, since a flag shows in `ps` (issue #9).
    const secretText = setting.key === 'operatorToken' ? `; prefer the env variable ${setting.env}: a flag shows in ps` : ''
    const defaultText = setting.defaultValue === undefined ? ` (env ${setting.env}${secretText})` : ` (default: ${setting.defaultValue}, env ${setting.env})`
    command.addOption(new Option(`${setting.flag} <${valueName}>`, `${setting.meaning}${defaultText}`))
  }
  command.action(async (options: Record<string, unknown>) => {
    let loaded: NodeModeConfig
    try {
      loaded = loadNodeModeConfig({ flags: flagsFrom(command, options) })
    } catch (error) {
      if (error instanceof NodeConfigError) command.error(`meson-net node: ${error.shortMessage}`, { exitCode: 2, code: 'meson.config' })
      throw error
    }
    if (loaded.mode === 'standalone') {
      await runUntilSignalled(loaded.config)
      return
    }
    const refusal = await runCoordinatorModeUntilSignalled(loaded.config)
    if (refusal !== undefined) command.error(`meson-net node: ${refusal}`, { exitCode: EXIT_COORDINATOR_REFUSED, code: 'meson.refused' })
  })
}

function flagsFrom(command: Command, options: Record<string, unknown>): Partial<Record<keyof NodeConfig | keyof CoordinatorModeConfig, string>> {
  const flags: Partial<Record<keyof NodeConfig | keyof CoordinatorModeConfig, string>> = {}
  for (const setting of [...NODE_SETTINGS, ...COORDINATOR_MODE_SETTINGS]) {
    const option = command.options.find((candidate) => candidate.long === setting.flag)
    const value = option === undefined ? undefined : options[option.attributeName()]
    if (typeof value === 'string') flags[setting.key] = value
  }
  return flags
}

/**
 * Coordinator mode: listens, registers (retrying while the coordinator is away), serves
 * until SIGTERM/SIGINT, then drains. Returns the sentence to print if the coordinator
 * refused the node (after stopping it), undefined after a signal.
 */
async function runCoordinatorModeUntilSignalled(config: CoordinatorNodeConfig): Promise<string | undefined> {
  const logger = stderrLogger()
  const { CoordinatorRefusedError, startCoordinatorNode } = await import('@meson/node')
  // The IPFS denylist file is read here, at the edge; the node parses it (bad-bits format).
  const ipfsDenylistText = config.ipfsDenylistFile === undefined ? undefined : await readFile(config.ipfsDenylistFile, 'utf8')
  const node = await startCoordinatorNode(config, { logger, collectProcessMetrics: true, ...(ipfsDenylistText === undefined ? {} : { ipfsDenylistText }) })
  process.stdout.write(`meson-net node listening on ${node.url} (node ${node.nodeId}, coordinator ${config.coordinatorUrl.origin}, public URL ${node.publicUrl})\n`)
  if (node.adminUrl !== node.url) process.stdout.write(`meson-net node admin on ${node.adminUrl}/_meson/\n`)
  const signalled = waitForStopSignal()
  const first = await Promise.race([node.registered, signalled])
  if (typeof first === 'object' && !first.ok) {
    await node.stop()
    const { error } = first
    return error instanceof CoordinatorRefusedError ? `the coordinator refused this node: ${error.coordinatorMessage} (${error.coordinatorCode})` : error.message
  }
  if (typeof first === 'object') process.stdout.write(`meson-net node registered with ${config.coordinatorUrl.origin}\n`)
  const signal = typeof first === 'string' ? first : await signalled
  logger.info({ signal }, 'stopping: draining, finishing in-flight responses, flushing usage')
  await node.stop()
  return undefined
}

async function runUntilSignalled(config: NodeConfig): Promise<void> {
  const logger = stderrLogger()
  const stop = waitForStopSignal()
  const { startNode } = await import('@meson/node')
  const node = await startNode(config, { logger, collectProcessMetrics: true })
  process.stdout.write(`meson-net node listening on ${node.url} (origin ${config.originUrl.origin})\n`)
  if (node.adminUrl !== node.url) process.stdout.write(`meson-net node admin on ${node.adminUrl}/_meson/\n`)
  const signal = await stop
  logger.info({ signal }, 'stopping: finishing in-flight responses')
  await node.stop()
}

/** One JSON line per lifecycle event on stderr (stdout carries the listening URL). */
function stderrLogger(): NodeLogger {
  const write = (level: string) => (fields: Record<string, unknown>, message: string) => {
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields })}\n`)
  }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}
