import { fileURLToPath } from 'node:url'

/** Absolute path of the dashboard package (where index.html is). */
export const dashboardRootDir: string = fileURLToPath(new URL('..', import.meta.url))

/** Absolute path of the built dashboard: what the coordinator serves at `/` (`dashboardDir`). */
export const dashboardDistDir: string = fileURLToPath(new URL('../dist', import.meta.url))
