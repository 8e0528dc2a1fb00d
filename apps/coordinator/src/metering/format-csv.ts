/**
 * Formats rows as CSV per RFC 4180: CRLF line ends (§2.1), a header row (§2.3), and a
 * field quoted when it holds a comma, a double quote, CR or LF, with inner quotes doubled
 * (§2.5–2.7). A field starting with = + - @ is prefixed with a quote mark so spreadsheet
 * programs do not run it as a formula (CSV injection); none of ours should, but zone
 * names and node ids are not ours to trust forever.
 */
export function formatCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((fields) => fields.map(formatField).join(',')).join('\r\n') + '\r\n'
}

function formatField(field: string): string {
  const safe = /^[=+\-@]/.test(field) && !/^-?\d+$/.test(field) ? `'${field}` : field
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}
