import type { Command } from 'commander'

/** `meson-net node`: placeholder until the edge node wiring lands. */
export function registerNodeCommand(program: Command): void {
  program.command('node').description('run an edge node')
}
