/**
 * Whether a request's `Referer` (RFC 9110 §10.1.3) passes a zone's allowed referrers:
 * an empty list allows everything; otherwise the referrer's host must equal an entry or,
 * for an entry `*.example.com`, be a subdomain of example.com. A request without a
 * Referer is allowed (browsers omit it under many referrer policies, and direct
 * downloads have none): this is hot-link protection, not access control.
 */
export function isReferrerAllowed(allowedReferrers: readonly string[], referer: string | undefined): boolean {
  if (allowedReferrers.length === 0 || referer === undefined || referer === '') return true
  if (!URL.canParse(referer)) return false
  const host = new URL(referer).hostname.toLowerCase()
  return allowedReferrers.some((allowed) => {
    if (allowed.startsWith('*.')) return host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1
    return host === allowed
  })
}
