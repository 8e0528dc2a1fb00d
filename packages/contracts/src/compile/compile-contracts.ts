import { readFileSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ContractsError } from '../contracts-error.ts'

/** What the chain needs of one compiled contract. */
export interface CompiledContract {
  readonly abi: readonly unknown[]
  /** Creation bytecode, 0x-prefixed. */
  readonly bytecode: `0x${string}`
}

export interface CompileContractsParameters {
  /** Directories whose `*.sol` files are compiled (not recursive). */
  readonly sourceDirs: readonly string[]
}

/** Pinned so every machine produces the same bytecode (ADR 0013). */
export const EVM_VERSION = 'cancun'

/** The one solc-js entry point we use; its shipped typings declare it as `any`. */
interface SolcCompiler {
  compile(input: string, callbacks: { import: (path: string) => { contents: string } | { error: string } }): string
}
/**
 * solc-js, loaded on first use: its emscripten module adds ~96 MiB of RSS and most of a
 * second to start-up, and only a process that compiles (the demo chain, the contracts
 * tests) needs it; the coordinator imports this package for its ABIs alone.
 */
async function loadCompiler(): Promise<SolcCompiler> {
  const solc: unknown = (await import('solc')).default
  // Narrowing solc-js's untyped export to the signature documented in its README.
  return solc as SolcCompiler
}

interface SolcOutput {
  readonly errors?: readonly { readonly severity: string; readonly formattedMessage: string }[]
  readonly contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>
}

/**
 * Compiles the Solidity sources with solc-js (the `solc` npm package: the compiler as
 * WebAssembly, nothing downloaded). Imports of `@openzeppelin/...` resolve from
 * node_modules. Returns contracts by name; throws COMPILE_FAILED with solc's messages.
 */
export async function compileContracts(parameters: CompileContractsParameters): Promise<ReadonlyMap<string, CompiledContract>> {
  const sources: Record<string, { content: string }> = {}
  for (const dir of parameters.sourceDirs) {
    for (const name of (await readdir(dir)).filter((file) => file.endsWith('.sol')).sort()) {
      sources[name] = { content: await readFile(join(dir, name), 'utf8') }
    }
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 10_000 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const require = createRequire(import.meta.url)
  const findImports = (path: string): { contents: string } | { error: string } => {
    try {
      return { contents: readFileSync(require.resolve(path), 'utf8') }
    } catch {
      return { error: `not found: ${path}` }
    }
  }
  const compiler = await loadCompiler()
  const output = JSON.parse(compiler.compile(JSON.stringify(input), { import: findImports })) as SolcOutput
  const errors = (output.errors ?? []).filter((entry) => entry.severity === 'error')
  if (errors.length > 0) {
    throw new ContractsError('COMPILE_FAILED', 'The Solidity sources did not compile.', {
      details: errors.map((entry) => entry.formattedMessage).join('\n'),
    })
  }
  const compiled = new Map<string, CompiledContract>()
  // Only the contracts our own files define, not every OpenZeppelin interface they import.
  for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
    if (!(file in sources)) continue
    for (const [name, contract] of Object.entries(contracts)) {
      compiled.set(name, { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` })
    }
  }
  return compiled
}
