import { ApiError } from '../../api-error.ts'
import type { FleetControl } from '../../../../fleet/fleet-control.ts'
import type { FleetRefusal } from '../../../../fleet/fleet-refusal.ts'
import type { RouteContext } from '../../route-spec.ts'

/** The fleet of this server; a server built without one answers 503. */
export function requireFleet(context: RouteContext): FleetControl {
  if (context.fleet === undefined) throw new ApiError('FLEET_UNAVAILABLE', 'this coordinator does not manage nodes')
  return context.fleet
}

/** A fleet refusal as the API error it is answered with (codes map one to one). */
export function toApiError(refusal: FleetRefusal): ApiError {
  return new ApiError(refusal.code, refusal.message)
}
