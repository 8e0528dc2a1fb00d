import { CommanderError } from 'commander'
import type { Command } from 'commander'
import { join } from 'node:path'
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
  readonly ticketKeyFile?: string
  readonly publicUrl?: string
  readonly headersTimeoutMs?: string
  readonly minPricePerGib?: string
  readonly maxPricePerGib?: string
  readonly domainVerificationBaseUrl?: string
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
      ticketKeyFile: flags.ticketKeyFile,
      publicUrl: flags.publicUrl,
      headersTimeoutMs: flags.headersTimeoutMs,
      minPricePerGiB: flags.minPricePerGib,
      maxPricePerGiB: flags.maxPricePerGib,
      domainVerificationBaseUrl: flags.domainVerificationBaseUrl,
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
  const coordinator = await startCoordinator(loaded.config, { logger })
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
    .option('--admin-token <token>', 'admin API token, at least 16 characters; prefer MESON_ADMIN_TOKEN or the config file (a flag shows in ps). Default: generated into <data-dir>/admin-token (0600)')
    .option('--config <path>', 'JSON config file (flags and MESON_* variables take precedence)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
    .option('--min-node-version <semver>', 'refuse nodes below this version (default 0.1.0)')
    .option('--allow-shared-ip', 'let several nodes register from one IP (local testing, the demo)')
    .option('--heartbeat-interval-ms <ms>', 'how often nodes heartbeat, at least 1000 (default 5000)')
    .option('--node-down-after-ms <ms>', 'silence after which a node is down and gets no redirects (default 2.4 × heartbeat interval: 12000)')
    .option('--public-url <url>', 'the URL clients reach this coordinator at (its host is never a custom domain)')
    .option('--headers-timeout-ms <ms>', 'time a client has to send request headers (default 10000)')
    .option('--min-price-per-gib <amount>', 'lowest zone price, e.g. "0.001 MSN" (default)')
    .option('--max-price-per-gib <amount>', 'highest zone price, e.g. "1000 MSN" (default)')
    .option('--domain-verification-base-url <url>', 'ask this server for custom-domain challenges (with Host: <domain>) instead of http://<domain>')
    .option('--coordinator-key-file <path>', 'ed25519 key that signs commands and delivered ticket keys (default <data-dir>/coordinator-key.pem, created 0600)')
    .option('--ticket-key-file <path>', 'ticket master secrets, the same file on every replica (default <data-dir>/ticket-keys.json, created 0600; ADR 0016)')
    .action(async (flags: CoordinatorFlags) => {
      await runCoordinator(flags)
    })
}
