/**
 * The keys the anti-Sybil rules group nodes by: the address itself (one rewarded node
 * per public IP) and its subnet (/24 for IPv4, /48 for IPv6, whose /64 counts as one
 * address since a host gets a whole /64). Pure text handling, no node:net.
 */
export interface IpGroups {
  readonly addressKey: string
  readonly subnetKey: string
}

export function ipGroupsOf(address: string): IpGroups {
  const unmapped = address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(unmapped)
  if (v4 !== null) return { addressKey: unmapped, subnetKey: `${v4[1]}.${v4[2]}.${v4[3]}.0/24` }
  const hextets = expandIpv6(unmapped)
  if (hextets === undefined) return { addressKey: address, subnetKey: address }
  return { addressKey: `${hextets.slice(0, 4).join(':')}::/64`, subnetKey: `${hextets.slice(0, 3).join(':')}::/48` }
}

function expandIpv6(address: string): string[] | undefined {
  const withoutZone = address.split('%')[0] ?? address
  const halves = withoutZone.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':')
  const tail = halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : []
  const missing = 8 - head.length - tail.length
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined
  const all = [...head, ...new Array<string>(missing).fill('0'), ...tail]
  if (!all.every((part) => /^[0-9a-f]{1,4}$/i.test(part))) return undefined
  return all.map((part) => part.toLowerCase().replace(/^0+(?=.)/, ''))
}
