export { BaseError, isErrorWithCode } from './errors.ts'
export { newAccountId, newCommandId, newTicketNonce, newUsageBatchId, newZoneId, randomBase32Id } from './ids.ts'
export type { AccountId, Brand, NodeId, ZoneId } from './ids.ts'
export { fail, ok } from './result.ts'
export type { Result } from './result.ts'

export { decodeBase64Url, encodeBase64Url } from './base64url.ts'
export { encodeBase32 } from './base32.ts'
export { byteSizeSchema, formatByteSize, GIB, MAX_BYTE_SIZE, parseByteSize } from './units/byte-size.ts'
export {
  BASE_UNITS_PER_TOKEN,
  formatTokenAmount,
  formatTokenDecimal,
  MAX_TOKEN_AMOUNT,
  parseTokenAmount,
  TOKEN_DECIMALS,
  TOKEN_SYMBOL,
  tokenAmountSchema,
} from './units/token-amount.ts'
export { costOfBytes, formatPricePerGiB, parsePricePerGiB, pricePerGiBSchema } from './units/price-per-gib.ts'
export type { PricePerGiB } from './units/price-per-gib.ts'

export { canonicalJson } from './canonical-json.ts'
export {
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  isKeyObject,
  PUBLIC_KEY_BYTES,
  publicKeyFromString,
  publicKeyObjectFrom,
  publicKeyToString,
  rawPublicKeyOf,
} from './keys.ts'
export type { KeyPair, VerifyKey } from './keys.ts'
export {
  isSigningPurpose,
  SIGNATURE_BYTES,
  signBytes,
  SIGNING_PURPOSES,
  signingInput,
  signPayload,
  verifyBytes,
  verifyPayload,
} from './signing.ts'
export type { SigningPurpose } from './signing.ts'
export { nodeIdFromPublicKey, nodeIdSchema, parseNodeId } from './node-id.ts'

export {
  counterSchema,
  positiveUint64StringSchema,
  publicKeyStringSchema,
  randomIdSchema,
  timestampMsSchema,
  uint64StringSchema,
  zoneIdSchema,
  zoneRefSchema,
} from './wire-scalars.ts'
export { NODE_CAPABILITIES, publicUrlSchema, registrationSchema, semverSchema } from './registration.ts'
export type { NodeCapability, Registration, RegistrationWire } from './registration.ts'
export { cacheStatsSchema, heartbeatRequestSchema, heartbeatSchema, MAX_HEARTBEAT_ACKS } from './heartbeat.ts'
export type { CacheStats, Heartbeat, HeartbeatRequest, HeartbeatWire } from './heartbeat.ts'
export { MAX_USAGE_LINES, usageBatchIdSchema, usageLineSchema, usageReportSchema } from './usage-report.ts'
export type { UsageLine, UsageReport, UsageReportWire } from './usage-report.ts'
export { clientFieldFor, isClientCovered, parseClientField, ticketClientSchema, unmapIpv4 } from './ticket-client.ts'
export type { ClientRange } from './ticket-client.ts'
export {
  DEFAULT_TICKET_CLOCK_SKEW_MS,
  encodeTicket,
  encodeTicketClaims,
  isPathCovered,
  MAX_TICKET_TOKEN_LENGTH,
  openBillableTicket,
  TICKET_TAG_BYTES,
  ticketJson,
  ticketOriginSchema,
  ticketPathSchema,
  ticketSchema,
  verifyTicket,
} from './ticket.ts'
export type { OpenBillableTicketResult, Ticket, TicketKeyLookup, TicketRejection, TicketRequest, TicketTagKeys, TicketWire, VerifyTicketResult } from './ticket.ts'
export {
  deriveCoordinatorTicketKey,
  deriveNodeTicketKey,
  nodeTicketKeySchema,
  nodeTicketKeysSchema,
  nodeTicketKeyWire,
  TICKET_KEY_BYTES,
  TicketKeyRing,
  ticketKeyIdSchema,
  ticketKeyTextSchema,
} from './ticket-keys.ts'
export type { NodeTicketKeys, NodeTicketKeyWire } from './ticket-keys.ts'
export { TICKET_MAC_KEY_BYTES, TicketMacKey, TicketMacSetupError, ticketMac } from './ticket-mac.ts'
export { openEnvelope, signedEnvelopeSchema, signEnvelope } from './signed-envelope.ts'
export type { EnvelopeKey, EnvelopeRejection, OpenEnvelopeResult, SignedEnvelope } from './signed-envelope.ts'
export {
  commandSchema,
  configArgsSchema,
  DEFAULT_COMMAND_CLOCK_SKEW_MS,
  drainArgsSchema,
  purgeArgsSchema,
  signCommand,
  verifyCommand,
} from './signed-command.ts'
export type { Command, CommandRejection, CommandType, PurgeArgs, VerifyCommandResult } from './signed-command.ts'
export { DEFAULT_REPLAY_GUARD_CAPACITY, ReplayGuard } from './replay-guard.ts'
export { identityProofSchema, identityUrlFor, IDENTITY_PATH, isIdentityProofValid, parseIdentityChallenge, signIdentityProof } from './identity-proof.ts'
export type { IdentityProof } from './identity-proof.ts'
export { NODE_API_ERROR_CODES, NODE_API_PATHS } from './node-api.ts'
export type { NodeApiEndpoint } from './node-api.ts'
export { readBoundedText } from './read-bounded-text.ts'
export { rememberBounded } from './bounded-map.ts'

export { formatIpAddress, parseIpAddress, parseIpv4, parseIpv6 } from './proxy/ip-address.ts'
export type { IpAddress } from './proxy/ip-address.ts'
export { classifyExitAddress } from './proxy/classify-exit-address.ts'
export type { ExitAddressClass } from './proxy/classify-exit-address.ts'
export {
  decideExitAddress,
  decideExitSchedule,
  decideResolvedAddresses,
  DEFAULT_BLOCKED_EXIT_PORTS,
  DEFAULT_EXIT_POLICY,
  monthStartUtcMs,
  parseExitAllowEntry,
  parseHostPort,
} from './proxy/exit-policy.ts'
export type { ExitAllowEntry, ExitDecision, ExitPolicy, ExitRefusal } from './proxy/exit-policy.ts'
export { isLocalhostName, precheckExitTarget, resolveExitTarget } from './proxy/resolve-exit-target.ts'
export type { ResolveHostName } from './proxy/resolve-exit-target.ts'
export { formatProxyUsername, MAX_PROXY_USERNAME_LENGTH, MAX_SESSION_MINUTES, parseProxyUsername } from './proxy/proxy-username.ts'
export type { ProxyUsername } from './proxy/proxy-username.ts'
export {
  parseTunnelRefusal,
  signTunnelHello,
  TUNNEL_CHALLENGE_HEADER,
  TUNNEL_EXIT_ADDRESS_HEADER,
  TUNNEL_HELLO_PATH,
  TUNNEL_REFUSAL_HEADER,
  TUNNEL_REFUSALS,
  tunnelHelloSchema,
  verifyTunnelHello,
} from './proxy/tunnel-protocol.ts'
export type { TunnelHello, TunnelRefusal } from './proxy/tunnel-protocol.ts'
export {
  buildDataHello,
  buildDataReply,
  buildDataRequest,
  DATA_HELLO_BYTES,
  DATA_KEY_BYTES,
  DATA_SESSION_ID_BYTES,
  dataGrantHeaders,
  isDataHelloAuthentic,
  parseDataGrant,
  parseDataHello,
  parseDataReply,
  parseDataRequest,
  parseTunnelOpening,
  TUNNEL_CONTROL_MAGIC,
  TUNNEL_DATA_GRANT_PATH,
  TUNNEL_DATA_MAGIC,
  TUNNEL_MAGIC_BYTES,
} from './proxy/tunnel-data-protocol.ts'
export type { DataFrameParse, DataGrant, DataHello, DataReply } from './proxy/tunnel-data-protocol.ts'
export { readTunnelFrame } from './proxy/read-tunnel-frame.ts'
export {
  MAX_STORAGE_CHALLENGE_BYTES,
  signStorageChallenge,
  signStorageMessage,
  STORAGE_MESSAGE_MAX_AGE_MS,
  STORAGE_PROOF_PATH,
  STORAGE_SEGMENT_HEADER,
  storageAnswerSchema,
  storageChallengeSchema,
  storageConfirmSchema,
  storageFillRequestSchema,
  storageProofDigest,
  storageReleaseSchema,
  verifyStorageChallenge,
} from './storage-proof.ts'
export type { StorageAnswer, StorageChallenge, StorageChallengeRejection, StorageConfirm, StorageFillRequest, StorageRelease, VerifyStorageChallengeResult } from './storage-proof.ts'
