import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { dashboardDistDir, dashboardRootDir } from './dashboard-paths.ts'

export interface BuildDashboardOptions {
  /** Where to write the bundle; default the package's `dist`. */
  readonly outDir?: string
  /** Vite's log level; default 'warn'. */
  readonly logLevel?: 'info' | 'warn' | 'error' | 'silent'
}

/** Builds the SPA with Vite (loaded only here, so the coordinator never pays for it). Returns the out dir. */
export async function buildDashboard(options: BuildDashboardOptions = {}): Promise<string> {
  const outDir = options.outDir ?? dashboardDistDir
  const { build } = await import('vite')
  await build({
    root: dashboardRootDir,
    configFile: false,
    logLevel: options.logLevel ?? 'warn',
    // Preact's automatic JSX runtime (the same settings as tsconfig.json).
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  })
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

/** Builds the dashboard when `dist` has none yet (a fresh clone); returns the dist dir. */
export async function ensureDashboardBuilt(options: BuildDashboardOptions = {}): Promise<string> {
  const outDir = options.outDir ?? dashboardDistDir
  if (!(await isDashboardBuilt(outDir))) await buildDashboard({ ...options, outDir })
  return outDir
}
