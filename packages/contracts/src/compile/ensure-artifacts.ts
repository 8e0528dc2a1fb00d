import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileContracts, EVM_VERSION } from './compile-contracts.ts'
import type { CompiledContract } from './compile-contracts.ts'

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The network's contracts. */
export const CONTRACT_SOURCES_DIR = join(PACKAGE_DIR, 'contracts')
/** Test-only reference contracts (the Uniswap-style distributor used for gas comparison). */
export const TEST_CONTRACT_SOURCES_DIR = join(PACKAGE_DIR, 'test-contracts')
const ARTIFACTS_FILE = join(PACKAGE_DIR, 'artifacts', 'contracts.json')

interface ArtifactsFile {
  readonly fingerprint: string
  readonly contracts: Record<string, CompiledContract>
}

/**
 * The compiled contracts, built on first use and cached in `artifacts/contracts.json`
 * (git-ignored). The cache is keyed by a fingerprint of the sources, the solc version and
 * the OpenZeppelin version, so an edited source is recompiled, never served stale.
 */
export async function ensureArtifacts(): Promise<ReadonlyMap<string, CompiledContract>> {
  const sourceDirs = [CONTRACT_SOURCES_DIR, TEST_CONTRACT_SOURCES_DIR]
  const fingerprint = await fingerprintSources(sourceDirs)
  const cached = await readCached()
  if (cached !== undefined && cached.fingerprint === fingerprint) return new Map(Object.entries(cached.contracts))
  const compiled = await compileContracts({ sourceDirs })
  const file: ArtifactsFile = { fingerprint, contracts: Object.fromEntries(compiled) }
  await mkdir(dirname(ARTIFACTS_FILE), { recursive: true })
  // Written aside then renamed, so a parallel test never reads half a file.
  const temporary = `${ARTIFACTS_FILE}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(file))
  await rename(temporary, ARTIFACTS_FILE)
  return compiled
}

async function readCached(): Promise<ArtifactsFile | undefined> {
  try {
    return JSON.parse(await readFile(ARTIFACTS_FILE, 'utf8')) as ArtifactsFile
  } catch {
    return undefined
  }
}

async function fingerprintSources(sourceDirs: readonly string[]): Promise<string> {
  const require = createRequire(import.meta.url)
  const hash = createHash('sha256')
  const solcVersion = (JSON.parse(await readFile(require.resolve('solc/package.json'), 'utf8')) as { version: string }).version
  const ozVersion = (JSON.parse(await readFile(require.resolve('@openzeppelin/contracts/package.json'), 'utf8')) as { version: string }).version
  hash.update(`${solcVersion}\n${ozVersion}\n${EVM_VERSION}\n`)
  for (const dir of sourceDirs) {
    for (const name of (await readdir(dir)).filter((file) => file.endsWith('.sol')).sort()) {
      hash.update(`${name}\n`).update(await readFile(join(dir, name)))
    }
  }
  return hash.digest('hex')
}
