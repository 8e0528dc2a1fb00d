import { randomBytes } from 'node:crypto'
import { readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { dashboardDistDir, dashboardRootDir } from './dashboard-paths.ts'

export interface BuildDashboardOptions {
  /** Where the bundle goes; default the package's `dist`. */
  readonly outDir?: string
  /** Vite's log level; default 'warn'. */
  readonly logLevel?: 'info' | 'warn' | 'error' | 'silent'
}

/** Runs Vite (loaded only here, so the coordinator never pays for it) into `outDir`. */
async function runVite(outDir: string, logLevel: BuildDashboardOptions['logLevel']): Promise<void> {
  const { build } = await import('vite')
  await build({
    root: dashboardRootDir,
    configFile: false,
    logLevel: logLevel ?? 'warn',
    // Preact's automatic JSX runtime (the same settings as tsconfig.json).
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  })
}

function siblingTempDir(outDir: string): string {
  return `${outDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
}

/** Builds the SPA into `outDir`, replacing what was there. Returns the out dir. */
export async function buildDashboard(options: BuildDashboardOptions = {}): Promise<string> {
  const outDir = options.outDir ?? dashboardDistDir
  const tempDir = siblingTempDir(outDir)
  await runVite(tempDir, options.logLevel)
  await rm(outDir, { recursive: true, force: true })
  await rename(tempDir, outDir)
  return outDir
}

/** Whether `dir` holds a built dashboard (its index.html). */
export async function isDashboardBuilt(dir: string = dashboardDistDir): Promise<boolean> {
  let builtAtMs: number
  try {
    builtAtMs = (await stat(join(dir, 'index.html'))).mtimeMs
  } catch {
    return false
  }
  // A bundle older than its sources is stale (a pulled change, an edited view): it would
  // serve yesterday's dashboard while the tests and the demo look at today's code.
  return builtAtMs >= (await newestSourceMtimeMs())
}

/** The newest modification time among the dashboard's sources (index.html and src/app). */
async function newestSourceMtimeMs(): Promise<number> {
  let newest = (await stat(join(dashboardRootDir, 'index.html'))).mtimeMs
  const entries = await readdir(join(dashboardRootDir, 'src', 'app'), { recursive: true, withFileTypes: true })
  for (const entry of entries) {
    if (!entry.isFile()) continue
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs)
  }
  return newest
}

/**
 * Builds the dashboard when `outDir` has none yet (a fresh clone) or an older one than its
 * sources; returns the out dir.
 * Safe when several processes do it at once (tests run in parallel): each builds into
 * its own temp folder and renames it into place; a loser of the race drops its copy.
 */
export async function ensureDashboardBuilt(options: BuildDashboardOptions = {}): Promise<string> {
  const outDir = options.outDir ?? dashboardDistDir
  if (await isDashboardBuilt(outDir)) return outDir
  const tempDir = siblingTempDir(outDir)
  await runVite(tempDir, options.logLevel)
  try {
    // A stale bundle moves aside first (rename does not replace a non-empty folder).
    const staleDir = siblingTempDir(outDir)
    await rename(outDir, staleDir).catch(() => undefined)
    await rename(tempDir, outDir)
    await rm(staleDir, { recursive: true, force: true })
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true })
    if (!(await isDashboardBuilt(outDir))) throw error
  }
  return outDir
}
