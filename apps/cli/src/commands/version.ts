import type { Command } from 'commander'
import { CLI_VERSION } from '../version.ts'

/** `meson-net version`: prints the CLI and runtime versions. */
export function registerVersionCommand(program: Command): void {
  program
    .command('version')
    .description('print the meson-net and Node.js versions')
    .action(() => {
      process.stdout.write(`meson-net ${CLI_VERSION} (node ${process.version})\n`)
    })
}
