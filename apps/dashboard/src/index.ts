export { dashboardDistDir, dashboardRootDir } from './dashboard-paths.ts'
export { buildDashboard, ensureDashboardBuilt, isDashboardBuilt } from './build-dashboard.ts'
export type { BuildDashboardOptions } from './build-dashboard.ts'
