import { writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ABI_MODULES, abiModuleSource } from './abi-module-source.ts'
import { ensureArtifacts } from './ensure-artifacts.ts'

// `npm run abi -w packages/contracts`: regenerates src/abi/*.ts from the compiled contracts.
const abiDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'abi')
const compiled = await ensureArtifacts()
for (const entry of ABI_MODULES) {
  const contract = compiled.get(entry.contract)
  if (contract === undefined) throw new Error(`${entry.contract} was not compiled`)
  await writeFile(join(abiDir, entry.file), abiModuleSource(entry.contract, entry.constant, contract.abi))
}
console.log(`wrote ${ABI_MODULES.length} ABI modules to ${abiDir}`)
