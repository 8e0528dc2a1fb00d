import type { Command } from 'commander'

/** `meson-net coordinator`: placeholder until the coordinator wiring lands. */
export function registerCoordinatorCommand(program: Command): void {
  program.command('coordinator').description('run the coordinator (control plane)')
}
