// @ts-check
import { noImportCycles } from './no-import-cycles.js'

/**
 * The layer rules of the workspace (docs/adr/0008-layout-by-capability.md), as flat-config
 * objects. ESLint replaces (does not merge) a rule's options when several config objects
 * match a file, so each group below lists every restriction that applies to it.
 */

const TEST_FILES = ['**/*.test.ts', '**/testing/**', '**/*.contract.ts']
const APPS = ['cli', 'coordinator', 'dashboard', 'node']

/** I/O modules a pure folder may not import (`node:net`'s address helpers are pure and allowed). */
const IO_MODULES = [
  ...['node:fs', 'node:fs/promises', 'node:http', 'node:https', 'node:http2', 'node:dgram', 'node:child_process', 'node:worker_threads'].map((name) => ({
    name,
    message: 'A pure folder does no I/O: take a port (an interface) as an argument and implement it in adapters/.',
  })),
  { name: 'node:net', allowImportNames: ['BlockList', 'isIP', 'isIPv4', 'isIPv6'], message: 'A pure folder opens no sockets: only the address helpers of node:net are allowed.' },
  ...['fastify', 'kysely', 'pg', 'maxmind', 'pino'].map((name) => ({ name, message: 'Libraries of the edge belong in adapters/ (a pure folder takes a port instead).' })),
]

/** @param {string} app */
function otherApps(app) {
  const others = APPS.filter((name) => name !== app)
  return [
    { regex: `^(\\.\\./)+(${others.join('|')})/`, message: 'Apps do not import each other by path; the CLI composes them through their public entry points.' },
    { regex: app === 'cli' ? '^@meson/cli(/|$)' : '^@meson/(cli|dashboard)(/|$)', message: 'Only the CLI composes apps.' },
    ...(app === 'cli' ? [] : [{ regex: `^@meson/(${others.filter((name) => name !== 'cli' && name !== 'dashboard').join('|')})(/|$)`, message: 'Apps do not import each other; shared wire types belong in @meson/protocol.' }]),
  ]
}

const NO_TEST_SUPPORT = [
  { regex: '(^|/)testing(/|$)|\\.contract\\.ts$|^@meson/[^/]+/testing$', message: 'Production code does not import test support (testing/ folders, contract suites).' },
]

const NO_ADAPTERS = [
  { regex: '(^|/)(adapters|runtime|testing)/|(^|/)main\\.ts$', message: 'A pure folder does not import adapters, the runtime or the composition root: depend on a port and let main.ts wire the adapter.' },
]

const CDN_NOT_LINK = [
  { regex: '(^|/)link/', message: 'cdn/ does not know the coordinator link; the runtime connects them.' },
]

const NO_SOURCE_PATHS = [
  { regex: '(^|/)(apps|packages)/[^/]+/(src|bin)/', message: 'Tests and benches import public entry points (@meson/<app>, @meson/<app>/testing), not source paths.' },
]

/** Folders of pure rules: no I/O, no adapters. */
const PURE_FOLDERS = {
  coordinator: ['accounts', 'zones', 'fleet', 'routing', 'metering', 'ledger', 'store', 'tickets'],
  node: ['cdn/policy', 'cdn/engine', 'cdn/zones', 'cdn/tickets', 'cdn/purge', 'cdn/usage'],
}

/**
 * @param {string[]} files
 * @param {{ paths?: object[], patterns?: object[] }} restrictions
 * @param {string[]} [ignores]
 */
function restrict(files, restrictions, ignores = []) {
  return {
    files,
    ...(ignores.length > 0 ? { ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { paths: restrictions.paths ?? [], patterns: restrictions.patterns ?? [] }] },
  }
}

/** The flat-config objects that enforce the layers; spread them into eslint.config.js. */
export function layerRules() {
  /** @type {object[]} */
  const configs = [
    { plugins: { meson: { rules: { 'no-import-cycles': noImportCycles } } } },
    { files: ['**/*.ts'], rules: { 'meson/no-import-cycles': 'error' } },
  ]
  for (const app of APPS) {
    const source = `apps/${app}/src/**/*.ts`
    configs.push(restrict([source, `apps/${app}/bin/**/*.ts`], { patterns: otherApps(app) }))
    configs.push(restrict([source], { patterns: [...otherApps(app), ...NO_TEST_SUPPORT] }, TEST_FILES))
  }
  for (const [app, folders] of Object.entries(PURE_FOLDERS)) {
    for (const folder of folders) {
      const patterns = [...otherApps(app), ...NO_TEST_SUPPORT, ...NO_ADAPTERS, ...(folder.startsWith('cdn/') ? CDN_NOT_LINK : [])]
      configs.push(restrict([`apps/${app}/src/${folder}/**/*.ts`], { paths: IO_MODULES, patterns }, TEST_FILES))
    }
  }
  configs.push(restrict(['packages/**/*.ts'], { patterns: [{ regex: '^@meson/(cli|coordinator|dashboard|node)(/|$)|(^|/)apps/', message: 'Packages are below the apps: they import no app.' }] }))
  configs.push(restrict(['tests/**/*.ts', 'bench/**/*.ts'], { patterns: NO_SOURCE_PATHS }))
  return configs
}
