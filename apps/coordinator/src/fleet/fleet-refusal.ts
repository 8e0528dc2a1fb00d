/** Codes the fleet refuses node messages and purges with; the HTTP adapter maps them to statuses. */
export type FleetRefusalCode =
  | 'NODE_REGISTRATION_INVALID'
  | 'NODE_SIGNATURE_INVALID'
  | 'NODE_CLOCK_SKEW'
  | 'NODE_VERSION_TOO_OLD'
  | 'NODE_OWNED_BY_OTHER_OPERATOR'
  | 'NODE_IP_IN_USE'
  | 'NODE_CALLBACK_FAILED'
  | 'NODE_UNKNOWN'
  | 'HEARTBEAT_REPLAYED'
  | 'ZONE_NOT_FOUND'
  | 'PURGE_NOT_FOUND'

/** An expected refusal: a stable code and a sentence the operator or buyer can act on. */
export interface FleetRefusal {
  readonly ok: false
  readonly code: FleetRefusalCode
  readonly message: string
}

export function refuse(code: FleetRefusalCode, message: string): FleetRefusal {
  return { ok: false, code, message }
}
