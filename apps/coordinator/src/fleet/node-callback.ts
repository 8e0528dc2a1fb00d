import type { VerifyKey } from '@meson/protocol'

/** What calling a registering node back found: it proved its key, or why not (a short phrase). */
export type CallbackResult = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/**
 * The fleet's port for the registration callback (DESIGN.md §4.2): does the node at
 * `publicUrl` hold the key it registered? `adapters/node-callback/` implements it over
 * HTTP; tests pass their own.
 */
export type CallNodeBack = (target: { readonly publicUrl: string; readonly nodeId: string; readonly publicKey: VerifyKey }) => Promise<CallbackResult>
