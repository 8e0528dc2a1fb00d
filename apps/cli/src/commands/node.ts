import { loadNodeConfig, NODE_SETTINGS, NodeConfigError, startNode } from '@meson/node'
import type { NodeConfig, NodeLogger } from '@meson/node'
import { Option } from 'commander'
import type { Command } from 'commander'

/** `meson-net node`: runs an edge node; today standalone mode (`--origin URL`), a caching reverse proxy. */
export function registerNodeCommand(program: Command): void {
  const command = program
    .command('node')
    .description('run an edge node; standalone mode: a caching reverse proxy in front of --origin')
  for (const setting of NODE_SETTINGS) {
    const valueName = setting.key === 'originUrl' ? 'url' : 'value'
    const defaultText = setting.defaultValue === undefined ? ` (env ${setting.env})` : ` (default: ${setting.defaultValue}, env ${setting.env})`
    command.addOption(new Option(`${setting.flag} <${valueName}>`, `${setting.meaning}${defaultText}`))
  }
  // Coordinator mode comes with the registration issue; refuse it clearly meanwhile.
  command.addOption(new Option('--coordinator <url>', 'coordinator mode (not available yet)').hideHelp())
  command.action(async (options: Record<string, unknown>) => {
    if (options.coordinator !== undefined) {
      command.error('meson-net node: coordinator mode (--coordinator) is not available yet; run standalone with --origin URL.', { exitCode: 2, code: 'meson.usage' })
    }
    let config: NodeConfig
    try {
      config = loadNodeConfig({ flags: flagsFrom(command, options) })
    } catch (error) {
      if (error instanceof NodeConfigError) command.error(`meson-net node: ${error.shortMessage}`, { exitCode: 2, code: 'meson.config' })
      throw error
    }
    await runUntilSignalled(config)
  })
}

function flagsFrom(command: Command, options: Record<string, unknown>): Partial<Record<keyof NodeConfig, string>> {
  const flags: Partial<Record<keyof NodeConfig, string>> = {}
  for (const setting of NODE_SETTINGS) {
    const option = command.options.find((candidate) => candidate.long === setting.flag)
    const value = option === undefined ? undefined : options[option.attributeName()]
    if (typeof value === 'string') flags[setting.key] = value
  }
  return flags
}

async function runUntilSignalled(config: NodeConfig): Promise<void> {
  const logger = stderrLogger()
  const node = await startNode(config, { logger, collectProcessMetrics: true })
  process.stdout.write(`meson-net node listening on ${node.url} (origin ${config.originUrl.origin})\n`)
  if (node.adminUrl !== node.url) process.stdout.write(`meson-net node admin on ${node.adminUrl}/_meson/\n`)
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
  })
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
