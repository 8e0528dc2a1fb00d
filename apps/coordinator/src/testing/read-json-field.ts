/**
 * Test support (not a test): reads a nested field of a parsed JSON answer without
 * trusting its shape; undefined when any step is missing.
 */
export function readJsonField(value: unknown, ...path: readonly string[]): unknown {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !(key in current)) return undefined
    current = Reflect.get(current, key)
  }
  return current
}
