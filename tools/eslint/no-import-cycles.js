// @ts-check
import { readFileSync, statSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'

/**
 * `meson/no-import-cycles`: reports a relative import from which the importing file can be
 * reached again (type-only imports count: a cycle of types is still two files that must
 * change together). Hand-written because the import plugins that do this
 * (eslint-plugin-import-x, -boundaries) resolve modules through a native binary package;
 * this rule only follows relative `.ts` specifiers, which is all the workspace uses
 * inside a package (packages import each other by name, and those edges cannot cycle
 * through relative paths).
 */

const SPECIFIER = /(?:\b(?:import|export)\s[^'";]*?\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g

/** @type {Map<string, { mtimeMs: number, deps: string[] }>} */
const cache = new Map()

/** @param {string} file @returns {string[]} */
function dependenciesOnDisk(file) {
  let mtimeMs
  try {
    mtimeMs = statSync(file).mtimeMs
  } catch {
    return []
  }
  const cached = cache.get(file)
  if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached.deps
  const text = readFileSync(file, 'utf8')
  const deps = []
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1]
    if (specifier !== undefined && specifier.endsWith('.ts')) deps.push(resolve(dirname(file), specifier))
  }
  cache.set(file, { mtimeMs, deps })
  return deps
}

/**
 * A path of files from `start` back to `target`, or undefined when there is none.
 * @param {string} start @param {string} target @returns {string[] | undefined}
 */
function pathBack(start, target) {
  /** @type {Map<string, string | undefined>} */
  const cameFrom = new Map([[start, undefined]])
  const queue = [start]
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift())
    for (const next of dependenciesOnDisk(file)) {
      if (next === target) {
        const path = [file]
        let step = cameFrom.get(file)
        while (step !== undefined) {
          path.unshift(step)
          step = cameFrom.get(step)
        }
        return path
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file)
        queue.push(next)
      }
    }
  }
  return undefined
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid relative imports that lead back to the importing file.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{cycle}}. Move what both sides need into a third file, or invert the dependency.' },
  },
  create(context) {
    const file = resolve(context.filename)
    /** @param {import('estree').Node & { source?: import('estree').Node | null }} node */
    function check(node) {
      const source = node.source
      if (source === undefined || source === null || source.type !== 'Literal' || typeof source.value !== 'string') return
      const specifier = source.value
      if (!specifier.startsWith('.') || !specifier.endsWith('.ts')) return
      const target = resolve(dirname(file), specifier)
      if (target === file) return
      const path = pathBack(target, file)
      if (path === undefined) return
      const cycle = [file, ...path, file].map((step) => relative(context.cwd, step)).join(' -> ')
      context.report({ node: source, messageId: 'cycle', data: { cycle } })
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    }
  },
}
