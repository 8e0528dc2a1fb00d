import { ensureArtifacts } from './ensure-artifacts.ts'

// `npm run compile -w packages/contracts`: builds artifacts/contracts.json ahead of use.
const started = performance.now()
const compiled = await ensureArtifacts()
console.log(`compiled ${[...compiled.keys()].join(', ')} in ${Math.round(performance.now() - started)} ms`)
