/**
 * The routing core as a public entry point (`@meson/coordinator/routing`): the pure
 * redirect decision and node selection, for benches and tools that measure them without
 * starting a coordinator. No I/O here; the GeoIP reader is `openGeoIpLookup` of `@meson/coordinator`.
 */
export { decideRedirect, TICKET_PARAMETER } from './decide-redirect.ts'
export type { DecideRedirectParameters, DecideRedirectResult } from './decide-redirect.ts'
export { selectNode } from './select-node.ts'
export type { SelectNodeParameters, SelectNodeResult } from './select-node.ts'
export { ZoneDirectory } from './zone-directory.ts'
export type { ZoneEntry } from './zone-directory.ts'
export { createCachedCountryLookup, createStaticCountryLookup } from './country-lookup.ts'
export type { CountryLookup, GeoLocation } from './country-lookup.ts'
export { buildFleetView } from './fleet-view.ts'
export type { FleetView } from './fleet-view.ts'
export type { FleetNode } from './fleet-node.ts'
