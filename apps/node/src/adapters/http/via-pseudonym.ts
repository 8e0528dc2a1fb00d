/**
 * How this cache names itself in `Via` (RFC 9110 §7.6.3, a pseudonym rather than a host
 * name) and in `Cache-Status` (RFC 9211 §2: "the cache's identifier").
 */
export const VIA_PSEUDONYM = 'meson'
