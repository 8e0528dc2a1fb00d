export { BaseError, isErrorWithCode } from './errors.ts'
export { newAccountId, newZoneId, randomBase32Id } from './ids.ts'
export type { AccountId, Brand, NodeId, ZoneId } from './ids.ts'
