/** The network's bounds on a zone's price, base units per GiB (config `minPricePerGiB` / `maxPricePerGiB`). */
export interface PriceBounds {
  readonly minPricePerGiB: bigint
  readonly maxPricePerGiB: bigint
}

export type CheckZonePriceResult = { readonly ok: true } | { readonly ok: false; readonly message: string }

/**
 * Whether a buyer may set `pricePerGiB` on a zone: within the network's bounds, so no
 * buyer can PATCH their price down to one base unit and use the network for free. Pure.
 */
export function checkZonePrice(pricePerGiB: bigint, bounds: PriceBounds): CheckZonePriceResult {
  if (pricePerGiB < bounds.minPricePerGiB || pricePerGiB > bounds.maxPricePerGiB) {
    return { ok: false, message: `a zone's price must lie between ${String(bounds.minPricePerGiB)} and ${String(bounds.maxPricePerGiB)} base units per GiB` }
  }
  return { ok: true }
}
