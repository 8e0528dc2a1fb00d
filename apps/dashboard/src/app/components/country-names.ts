import countries from 'i18n-iso-countries'

/** "DE" → "Germany", from the browser's own CLDR data (Intl.DisplayNames). */
const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' })

export function countryName(alpha2: string): string {
  try {
    return names.of(alpha2) ?? alpha2
  } catch {
    return alpha2
  }
}

/** ISO 3166-1 numeric ("276") as world-atlas keys countries → alpha-2 ("DE"). */
export function alpha2OfNumeric(numeric: string): string | undefined {
  return countries.numericToAlpha2(numeric)
}
