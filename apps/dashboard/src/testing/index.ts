/** Test support of the dashboard: `@meson/dashboard/testing`. */
export { ENDPOINTS } from '../app/api/endpoints.ts'
