import { z } from 'zod'

/** A purge as the admin endpoint receives it: paths or absolute URLs of the origin. */
export interface PurgeRequest {
  readonly urls: readonly string[]
  readonly prefixes: readonly string[]
}

export type ParsePurgeRequestResult =
  | { readonly ok: true; readonly request: PurgeRequest }
  | { readonly ok: false; readonly message: string }

const MAX_ENTRIES = 10_000

const purgeBodySchema = z.strictObject({
  urls: z.array(z.string().min(1).max(8192)).max(MAX_ENTRIES).optional(),
  prefixes: z.array(z.string().min(1).max(8192)).max(MAX_ENTRIES).optional(),
})

/**
 * Parses `{ urls?: string[], prefixes?: string[] }` and resolves each entry against the
 * origin: a path (`/a/b?c`) is taken relative to the origin, an absolute URL must be on
 * the origin. At least one entry is required.
 */
export function parsePurgeRequest(bodyText: string, originUrl: URL): ParsePurgeRequestResult {
  let json: unknown
  try {
    json = JSON.parse(bodyText)
  } catch {
    return { ok: false, message: 'The body is not JSON.' }
  }
  const parsed = purgeBodySchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, message: `Invalid purge body at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}.` }
  }
  const urls: string[] = []
  const prefixes: string[] = []
  for (const [entries, target] of [[parsed.data.urls ?? [], urls], [parsed.data.prefixes ?? [], prefixes]] as const) {
    for (const entry of entries) {
      const resolved = resolveOnOrigin(entry, originUrl)
      if (resolved === undefined) return { ok: false, message: `"${entry}" is neither a path nor a URL of the origin.` }
      target.push(resolved)
    }
  }
  if (urls.length === 0 && prefixes.length === 0) return { ok: false, message: 'Name at least one entry in "urls" or "prefixes".' }
  return { ok: true, request: { urls, prefixes } }
}

function resolveOnOrigin(entry: string, originUrl: URL): string | undefined {
  if (entry.startsWith('/')) return originUrl.origin + entry
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    return undefined
  }
  if (url.origin !== originUrl.origin) return undefined
  return url.origin + url.pathname + url.search
}
