import { CommanderError } from 'commander'
import type { Command } from 'commander'
import { waitForStopSignal } from '../wait-for-stop-signal.ts'

/** Exit code for a configuration a person must fix (as sysexits' EX_USAGE family does). */
export const EXIT_BAD_CONFIG = 2

interface CoordinatorFlags {
  readonly port?: string
  readonly host?: string
  readonly db?: string
  readonly dataDir?: string
  readonly adminToken?: string
  readonly config?: string
  readonly logLevel?: string
  readonly minNodeVersion?: string
  readonly allowSharedIp?: boolean
  readonly heartbeatIntervalMs?: string
  readonly nodeDownAfterMs?: string
  readonly coordinatorKeyFile?: string
  readonly dashboardDir?: string
  /** false with --no-dashboard. */
  readonly dashboard: boolean
}

/** Runs the coordinator until SIGINT/SIGTERM; then closes the server, then the store. */
async function runCoordinator(flags: CoordinatorFlags): Promise<void> {
  // Imported when the command runs, so the other commands don't load the coordinator.
  const { createLogger, loadConfig, startCoordinator } = await import('@meson/coordinator')
  const loaded = loadConfig({
    configPath: flags.config,
    flags: {
      port: flags.port,
      host: flags.host,
      db: flags.db,
      dataDir: flags.dataDir,
      adminToken: flags.adminToken,
      logLevel: flags.logLevel,
      minNodeVersion: flags.minNodeVersion,
      allowSharedIp: flags.allowSharedIp,
      heartbeatIntervalMs: flags.heartbeatIntervalMs,
      nodeDownAfterMs: flags.nodeDownAfterMs,
      coordinatorKeyFile: flags.coordinatorKeyFile,
      dashboardDir: flags.dashboardDir,
    },
  })
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
  if (config.dashboardDir === undefined && flags.dashboard) {
    const { ensureDashboardBuilt } = await import('@meson/dashboard')
    config = { ...config, dashboardDir: await ensureDashboardBuilt() }
  }
  const coordinator = await startCoordinator(config, { logger })
  process.stdout.write(`coordinator listening on ${coordinator.url}\n`)
  const signal = await stopSignal
  logger.info({ signal }, 'stopping')
  await coordinator.close()
}

/** `meson-net coordinator`: runs the control plane (HTTP API) in the foreground. */
export function registerCoordinatorCommand(program: Command): void {
  program
    .command('coordinator')
    .description('run the coordinator (control plane)')
    .option('--port <port>', 'TCP port of the HTTP API; 0 picks a free one (default 7400)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--db <url>', 'sqlite:<path>, sqlite::memory:, postgres://... (default sqlite:<data-dir>/coordinator.db)')
    .option('--data-dir <dir>', 'directory for the database and the admin token file (default ./.data/coordinator)')
    .option('--admin-token <token>', 'admin API token, at least 16 characters (default: generated into <data-dir>/admin-token)')
    .option('--config <path>', 'JSON config file (flags and MESON_* variables take precedence)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
    .option('--min-node-version <semver>', 'refuse nodes below this version (default 0.1.0)')
    .option('--allow-shared-ip', 'let several nodes register from one IP (local testing, the demo)')
    .option('--heartbeat-interval-ms <ms>', 'how often nodes heartbeat, at least 1000 (default 30000)')
    .option('--node-down-after-ms <ms>', 'silence after which a node is down (default 3 × heartbeat interval)')
    .option('--coordinator-key-file <path>', 'ed25519 key that signs tickets and commands (default <data-dir>/coordinator-key.pem, created 0600)')
    .option('--dashboard-dir <dir>', "built dashboard to serve at / (default: @meson/dashboard's dist, built if missing)")
    .option('--no-dashboard', 'serve no dashboard at /')
    .action(async (flags: CoordinatorFlags) => {
      await runCoordinator(flags)
    })
}
