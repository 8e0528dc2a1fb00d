import type { Linter } from 'eslint'

/** The flat-config objects that enforce the workspace's layers (see layer-rules.js). */
export function layerRules(): Linter.Config[]
