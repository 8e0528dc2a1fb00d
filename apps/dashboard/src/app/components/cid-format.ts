/**
 * Whether text looks like an IPFS CID: CIDv0 (base58btc, "Qm…", 46 characters) or CIDv1
 * in base32 ("b…", lower case). A first check in the form; the gateway verifies for real.
 */
export function isCidLike(text: string): boolean {
  return /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/.test(text) || /^b[a-z2-7]{50,}$/.test(text)
}
