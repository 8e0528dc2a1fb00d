import { Command, CommanderError } from 'commander'
import { registerCoordinatorCommand } from './commands/coordinator.ts'
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
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`meson-net: ${message}\n`)
    return 1
  }
}
