import { ApiError } from '../../api-error.ts'
import type { FleetRefusal } from '../../../../fleet/fleet-refusal.ts'

/** A fleet refusal as the API error it is answered with (codes map one to one). */
export function toApiError(refusal: FleetRefusal): ApiError {
  return new ApiError(refusal.code, refusal.message)
}
