import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { Command } from 'commander'
import { registerCoordinatorCommand } from './coordinator.ts'
import { registerNodeCommand } from './node.ts'

/**
 * Each app README's configuration table against the options its CLI command accepts:
 * every flag in the table is accepted, and every option is in the table.
 */

/** Backticked `--flags` in the flag column of the README's markdown tables. */
async function flagsInReadme(app: 'coordinator' | 'node'): Promise<Set<string>> {
  const text = await readFile(new URL(`../../../${app}/README.md`, import.meta.url), 'utf8')
  const flags = new Set<string>()
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) continue
    const cells = line.split('|').map((cell) => cell.trim())
    // The coordinator's table is `key | flag | env | default`, the node's `flag | env | default | meaning`.
    const cell = app === 'coordinator' ? cells[2] : cells[1]
    const match = /^`(--[a-z0-9-]+)`$/.exec(cell ?? '')
    if (match?.[1] !== undefined) flags.add(match[1])
  }
  return flags
}

function optionsOf(register: (program: Command) => void, name: string): Set<string> {
  const program = new Command()
  register(program)
  const command = program.commands.find((candidate) => candidate.name() === name)
  assert.ok(command, `no ${name} command`)
  return new Set(command.options.flatMap((option) => (option.long === undefined ? [] : [option.long])))
}

describe('the config tables of the app READMEs', () => {
  for (const [app, register] of [['coordinator', registerCoordinatorCommand], ['node', registerNodeCommand]] as const) {
    it(`lists exactly the options of meson-net ${app}`, async () => {
      const documented = await flagsInReadme(app)
      const accepted = optionsOf(register, app)
      assert.ok(documented.size > 10, `the ${app} README has a config table`)
      assert.deepEqual([...documented].filter((flag) => !accepted.has(flag)), [], 'documented but not accepted by the CLI')
      assert.deepEqual([...accepted].filter((flag) => !documented.has(flag)), [], 'accepted by the CLI but not documented')
    })
  }
})
