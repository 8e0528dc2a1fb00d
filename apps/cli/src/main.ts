import { Command, CommanderError } from 'commander'
import { registerClaimCommand } from './commands/claim.ts'
import { registerCoordinatorCommand } from './commands/coordinator.ts'
import { registerDepositCommand } from './commands/deposit.ts'
import { registerDemoCommand } from './commands/demo.ts'
import { registerNodeCommand } from './commands/node.ts'
import { registerVersionCommand } from './commands/version.ts'
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
    process.stderr.write(`meson-net: ${describeFailure(error)}\n`)
    return 1
  }
}

/** A sentence a person can act on for the failures a command can meet at start. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    const address = 'address' in error && 'port' in error ? `${String(error.address)}:${String(error.port)}` : 'the address'
    return `${address} is already in use: stop what listens there, or choose another --port (0 picks a free one; with npm start: npm start -- --port 7500)`
  }
  return error instanceof Error ? error.message : String(error)
}
