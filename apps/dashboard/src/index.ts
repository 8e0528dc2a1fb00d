/** The dashboard is not built yet; this module marks the workspace's entry point. */
export const DASHBOARD_STATUS = 'not built yet' as const
