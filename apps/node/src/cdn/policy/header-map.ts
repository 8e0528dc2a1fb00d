/**
 * HTTP header fields as the cache sees them: lowercase names; a field that occurs
 * several times is joined with ", " (RFC 9110 §5.3), except `set-cookie`, whose
 * lines are joined with "\n" because its values may contain commas.
 */
export type HeaderMap = Readonly<Record<string, string>>
