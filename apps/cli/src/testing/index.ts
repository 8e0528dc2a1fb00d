/** Test support of the CLI for the end-to-end and browser tests: `@meson/cli/testing`. */
export { startDemo } from '../demo/run-demo.ts'
export type { RunningDemo } from '../demo/run-demo.ts'
