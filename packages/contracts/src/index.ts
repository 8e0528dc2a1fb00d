/** The contracts are not written yet; this module marks the workspace's entry point. */
export const CONTRACTS_STATUS = 'not written yet' as const
