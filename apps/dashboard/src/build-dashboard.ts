import { randomBytes } from 'node:crypto'
import { access, rename, rm } from 'node:fs/promises'
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
  try {
    await access(join(dir, 'index.html'))
    return true
  } catch {
    return false
  }
}

/**
 * Builds the dashboard when `outDir` has none yet (a fresh clone); returns the out dir.
 * Safe when several processes do it at once (tests run in parallel): each builds into
 * its own temp folder and renames it into place; a loser of the race drops its copy.
 */
export async function ensureDashboardBuilt(options: BuildDashboardOptions = {}): Promise<string> {
  const outDir = options.outDir ?? dashboardDistDir
  if (await isDashboardBuilt(outDir)) return outDir
  const tempDir = siblingTempDir(outDir)
  await runVite(tempDir, options.logLevel)
  try {
    await rename(tempDir, outDir)
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true })
    if (!(await isDashboardBuilt(outDir))) throw error
  }
  return outDir
}
