#!/usr/bin/env node
// Plain JavaScript on purpose (issue #9): this file must run on any Node.js, so that an
// older one (say the system's Node 20, which cannot load .ts files) prints what to do
// instead of an ERR_UNKNOWN_FILE_EXTENSION stack trace. The CLI itself is TypeScript,
// run by Node 24's type stripping (see docs/adr/0001-node-24-as-a-dev-dependency.md).
/* global process */
const MINIMUM_MAJOR = 24
const major = Number(process.versions.node.split('.')[0])

if (!(major >= MINIMUM_MAJOR)) {
  process.stderr.write(
    `meson-net needs Node.js ${MINIMUM_MAJOR} or newer, and this is Node.js ${process.version}.\n` +
      'Run it through npm, which uses the Node.js 24 the project installs (npm ci): ' +
      '`npx meson-net <command>` or `npm start` in the repository.\n',
  )
  process.exitCode = 1
} else {
  await import('./meson-net.ts')
}
