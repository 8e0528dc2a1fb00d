// Only the settings are loaded to build the options; the coordinator itself is imported
// when the command runs, so `meson-net --help` and the other commands don't pay for it.
import { coordinatorSettings } from '@meson/coordinator/config'
import { CommanderError, Option } from 'commander'
import type { Command } from 'commander'
import { join } from 'node:path'
import { waitForStopSignal } from '../wait-for-stop-signal.ts'

/** Exit code for a configuration a person must fix (as sysexits' EX_USAGE family does). */
export const EXIT_BAD_CONFIG = 2

/** Runs the coordinator until SIGINT/SIGTERM; then closes the server, then the store. */
async function runCoordinator(configPath: string | undefined, flags: Readonly<Record<string, unknown>>, servesDashboard: boolean): Promise<void> {
  // Imported when the command runs, so the other commands don't load the coordinator.
  const { createLogger, loadConfig, startCoordinator } = await import('@meson/coordinator')
  const loaded = loadConfig({ configPath, flags })
  if (!loaded.ok) {
    process.stderr.write(`meson-net: ${loaded.error.message}\n`)
    // CommanderError carries the exit code through runCli without printing again.
    throw new CommanderError(EXIT_BAD_CONFIG, loaded.error.code, loaded.error.message)
  }
  // Logs go to stderr: stdout carries the one line a script waits for (the URL).
  const logger = createLogger({ level: loaded.config.logLevel, destination: 'stderr' })
  const stopSignal = waitForStopSignal()
  // The CLI composes: without a configured folder the coordinator serves @meson/dashboard's
  // build (built now on a fresh clone), unless --no-dashboard.
  let config = loaded.config
  if (config.dashboardDir === undefined && servesDashboard) {
    const { ensureDashboardBuilt } = await import('@meson/dashboard')
    config = { ...config, dashboardDir: await ensureDashboardBuilt() }
  }
  const coordinator = await startCoordinator(config, { logger }).catch((error: unknown) => {
    // A setting that only start-up can check (the settler key file's mode) is still a bad config.
    if (error instanceof Error && 'code' in error && error.code === 'CONFIG_INVALID') {
      process.stderr.write(`meson-net: ${error.message}\n`)
      throw new CommanderError(EXIT_BAD_CONFIG, 'CONFIG_INVALID', error.message)
    }
    throw error
  })
  process.stdout.write(`coordinator listening on ${coordinator.url}\n`)
  // A standalone coordinator starts empty: say how to make the first accounts and zones.
  const tokenSource = loaded.config.adminToken === undefined ? `--admin-token-file ${join(loaded.config.dataDir, 'admin-token')}` : '(with MESON_ADMIN_TOKEN set)'
  process.stderr.write(
    [
      'First steps (see the README\'s Quick start):',
      `  npx meson-net account create --coordinator ${coordinator.url} ${tokenSource} --name alice --role buyer`,
      `  npx meson-net account credit --coordinator ${coordinator.url} ${tokenSource} --account <acc_...> --amount "10 MSN"`,
      `  MESON_TOKEN=<buyer token> npx meson-net zone create --coordinator ${coordinator.url} --name my-site --origin https://origin.example.com`,
      '',
    ].join('\n'),
  )
  if (coordinator.proxy !== undefined) {
    process.stdout.write(`proxy gateway: http ${coordinator.proxy.httpUrl ?? 'off'}, socks5 ${coordinator.proxy.socks5Url ?? 'off'}, exit tunnels on ${coordinator.proxy.tunnel.host}:${coordinator.proxy.tunnel.port}\n`)
  }
  const signal = await stopSignal
  logger.info({ signal }, 'stopping')
  await coordinator.close()
}

/**
 * `meson-net coordinator`: runs the control plane (HTTP API) in the foreground. Its
 * options are generated from the coordinator's config schema (every key is a flag).
 */
export function registerCoordinatorCommand(program: Command): void {
  const command = program.command('coordinator').description('run the coordinator (control plane)')
  const settings = coordinatorSettings()
  for (const setting of settings) {
    const defaultText = setting.defaultText === undefined ? ` (env ${setting.env})` : ` (default: ${setting.defaultText}, env ${setting.env})`
    command.addOption(new Option(setting.isSwitch ? setting.flag : `${setting.flag} <value>`, `${setting.meaning}${defaultText}`))
  }
  command.option('--config <path>', 'JSON config file (flags and MESON_* variables take precedence)')
  command.option('--no-dashboard', "serve no dashboard at / (default: @meson/dashboard's build, built if missing)")
  command.action(async (options: Record<string, unknown>) => {
    const flags: Record<string, unknown> = {}
    for (const setting of settings) {
      const option = command.options.find((candidate) => candidate.long === setting.flag)
      const value = option === undefined ? undefined : options[option.attributeName()]
      if (value !== undefined) flags[setting.key] = value
    }
    const configPath = options['config']
    await runCoordinator(typeof configPath === 'string' ? configPath : undefined, flags, options['dashboard'] !== false)
  })
}
