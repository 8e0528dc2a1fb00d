/** Numbers, optionally with a unit (`12.5 ms`, `40.0 MiB/s`), read best right-aligned. */
function isNumericCell(cell: string): boolean {
  return cell === '' || cell === '-' || /^-?[\d.,]+( \S+)?$/.test(cell)
}

/** Renders rows as a plain-text table: numeric columns right-aligned, text left-aligned. */
export function renderTextTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)))
  const isRightAligned = headers.map((_, column) => rows.length > 0 && rows.every((row) => isNumericCell(row[column] ?? '')))
  const renderRow = (cells: readonly string[]): string =>
    widths
      .map((width, column) => {
        const cell = cells[column] ?? ''
        return isRightAligned[column] === true ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('  ')
  return [renderRow(headers), rule, ...rows.map(renderRow)].join('\n')
}
