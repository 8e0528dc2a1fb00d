/**
 * What an operator can do about a penalty, by its kind. The coordinator's `reason` says
 * what happened; this says what to change. Kinds are matched by the words they contain,
 * so new kinds from the rewards service (#11) still get the closest advice.
 */
const ADVICE: readonly { readonly pattern: RegExp; readonly advice: string }[] = [
  { pattern: /corrupt|wrong|mismatch|hash|integrity|correct/i, advice: 'The node served content that did not match the origin. Clear its cache folder, check the disk for errors, and update the node to the latest version.' },
  { pattern: /probe|unreach|timeout|offline|down|heartbeat|uptime/i, advice: 'The node did not answer in time. Check that its public port is open from the internet, that the machine stays on, and that the node restarts on boot.' },
  { pattern: /usage|report|fraud|inflat|reject|ticket/i, advice: 'Usage lines from this node were refused. Make sure its clock is synchronized (NTP) and that it runs an unmodified node release.' },
  { pattern: /bandwidth|slow|throughput/i, advice: 'Measured bandwidth was below what the node declares. Lower the declared uplink to what the line really sustains, or move it to a faster line.' },
  { pattern: /storage|disk|space|quota/i, advice: 'The node offered less storage than it declares. Free disk space or lower the disk quota in its configuration.' },
  { pattern: /version|outdated|upgrade/i, advice: 'The node runs an old version. Update it: older versions are refused after a deprecation period.' },
]

const FALLBACK = 'Read the reason above, fix its cause, and keep the node online: penalties weigh only on the epochs they were given in.'

export function adviceForPenalty(kind: string, reason: string): string {
  const text = `${kind} ${reason}`
  return ADVICE.find((entry) => entry.pattern.test(text))?.advice ?? FALLBACK
}
