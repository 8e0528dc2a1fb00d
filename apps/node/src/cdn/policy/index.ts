// The cache-policy rules: pure functions over headers and stored metadata (RFC 9111,
// RFC 9110, RFC 5861, RFC 9211). No I/O; the clock comes in as `nowMs`.
export { appendCacheStatus, formatCacheStatus } from './cache-status.ts'
export type { CacheStatusEntry } from './cache-status.ts'
export {
  deltaSeconds,
  hasDirective,
  MAX_DELTA_SECONDS,
  parseCacheControl,
  parseDeltaSeconds,
  splitListMembers,
} from './cache-control.ts'
export type { CacheControl } from './cache-control.ts'
export { isCacheableByDefault } from './cacheable-by-default.ts'
export { evaluateClientConditional } from './client-conditional.ts'
export type { ClientConditionalOutcome, EvaluateClientConditionalParameters } from './client-conditional.ts'
export { ageHeaderValue, correctedInitialAgeMs, currentAgeMs, residentTimeMs } from './current-age.ts'
export { parseEntityTag, parseEntityTagList, strongEtagMatch, weakEtagMatch } from './entity-tag.ts'
export type { EntityTag } from './entity-tag.ts'
export { freshenStoredHeaders, isNotModifiedFor, isNotModifiedForOwnRequest, selectResponseToFreshen } from './freshen-stored-headers.ts'
export { DEFAULT_HEURISTIC_FRACTION, DEFAULT_MAX_HEURISTIC_MS, freshnessLifetimeMs } from './freshness-lifetime.ts'
export type { FreshnessLifetimeOptions } from './freshness-lifetime.ts'
export type { HeaderMap } from './header-map.ts'
export { stripHopByHop } from './hop-by-hop.ts'
export { formatHttpDate, parseHttpDate } from './http-date.ts'
export type { ParseHttpDateOptions } from './http-date.ts'
export { isIfRangeSatisfied } from './if-range.ts'
export { invalidationTargets } from './invalidation-targets.ts'
export type { InvalidationTargetsParameters } from './invalidation-targets.ts'
export { isOnlyIfCached } from './only-if-cached.ts'
export { primaryCacheKey } from './primary-cache-key.ts'
export { formatContentRange, formatUnsatisfiedContentRange, parseRange, parseRangeSet } from './range.ts'
export type { RangeDecision, RangeSet } from './range.ts'
export { MAX_MULTIPART_RANGES, planMultipartByteranges } from './multipart-byteranges.ts'
export type { MultipartPlan } from './multipart-byteranges.ts'
export { requestCacheControl } from './request-cache-control.ts'
export { isResponseStorable } from './response-storable.ts'
export type { IsResponseStorableParameters, NotStorableReason, ResponseStorability } from './response-storable.ts'
export { secondaryKeyFor, selectVaryRequestHeaders, varyFieldNames, varyMatches } from './secondary-key.ts'
export type { StoredResponse } from './stored-response.ts'
export { decideStoredUse } from './stored-use.ts'
export type { DecideStoredUseParameters, StoredUse } from './stored-use.ts'
export { buildValidationHeaders } from './validation-headers.ts'
export { appendVia } from './via.ts'
export { parseSurrogateControl, resolveSurrogateControl, SURROGATE_DEVICE_TOKEN } from './surrogate-control.ts'
export type { SurrogateControl } from './surrogate-control.ts'
export { responseCacheDirectives, targetedCacheControl } from './targeted-cache-control.ts'
export { coveredRangeOf, decideRangeMiss, formatPartContentRange, parseContentRange, planPartCombination, storablePartOf, WHOLE_FILL_MAX_BYTES } from './partial-content.ts'
export type { CoveredRange, PartCombination, StoredPart } from './partial-content.ts'
