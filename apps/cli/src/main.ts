import { Command, CommanderError } from 'commander'
import { registerClaimCommand } from './commands/claim.ts'
import { registerCoordinatorCommand } from './commands/coordinator.ts'
import { registerDepositCommand } from './commands/deposit.ts'
import { registerDemoCommand } from './commands/demo.ts'
import { registerNodeCommand } from './commands/node.ts'
import { registerVersionCommand } from './commands/version.ts'
import { registerAccountCommand } from './commands/account.ts'
import { registerZoneCommand } from './commands/zone.ts'
import { CLI_VERSION } from './version.ts'

/** Builds the `meson-net` program; each subcommand lives in `commands/<name>.ts`. */
export function buildProgram(): Command {
  const program = new Command('meson-net')
    .description('Meson Network: an open bandwidth marketplace (CDN, IPFS gateway, residential proxy).')
    .version(CLI_VERSION, '-v, --version')
    .showHelpAfterError()
  registerVersionCommand(program)
  registerCoordinatorCommand(program)
  registerNodeCommand(program)
  registerDemoCommand(program)
  registerAccountCommand(program)
  registerZoneCommand(program)
  registerClaimCommand(program)
  registerDepositCommand(program)
  return program
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram().exitOverride()
  try {
    await program.parseAsync([...argv])
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    process.stderr.write(`meson-net: ${describeFailure(error, argv[2])}\n`)
    return 1
  }
}

/** How to pick another port, in the syntax of the command that failed (issue #9). */
const PORT_ADVICE: Readonly<Record<string, string>> = {
  node: 'choose another port for the node: meson-net node --port 8081 ... (0 picks a free one)',
  coordinator: 'choose another port for the coordinator: meson-net coordinator --port 7500 ... (0 picks a free one)',
  demo: 'choose another base port: npm start -- --port 7500 (or meson-net demo --port 7500; 0 picks free ones)',
}

/** A sentence a person can act on for the failures a command can meet at start. */
export function describeFailure(error: unknown, command?: string): string {
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    const address = 'address' in error && 'port' in error ? `${String(error.address)}:${String(error.port)}` : 'the address'
    const advice = (command === undefined ? undefined : PORT_ADVICE[command]) ?? 'choose another --port (0 picks a free one; with npm start: npm start -- --port 7500)'
    return `${address} is already in use: stop what listens there, or ${advice}`
  }
  return error instanceof Error ? error.message : String(error)
}
