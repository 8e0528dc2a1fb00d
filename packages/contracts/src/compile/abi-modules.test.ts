import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { it } from 'node:test'
import { ABI_MODULES, abiModuleSource } from './abi-module-source.ts'
import { ensureArtifacts } from './ensure-artifacts.ts'

const abiDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'abi')

it('the committed ABI modules match the compiled contracts (run `npm run abi -w packages/contracts` after editing a .sol)', async () => {
  const compiled = await ensureArtifacts()
  for (const entry of ABI_MODULES) {
    const contract = compiled.get(entry.contract)
    assert.ok(contract, `${entry.contract} compiles`)
    assert.ok(contract.bytecode.length > 2, `${entry.contract} has bytecode`)
    assert.equal(await readFile(join(abiDir, entry.file), 'utf8'), abiModuleSource(entry.contract, entry.constant, contract.abi), entry.file)
  }
})
