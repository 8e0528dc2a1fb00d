// `npm run build -w @meson/dashboard`: writes the bundle to dist/ (run by the root `prestart`).
import { buildDashboard } from './build-dashboard.ts'

const outDir = await buildDashboard({ logLevel: 'info' })
process.stdout.write(`dashboard built in ${outDir}\n`)
