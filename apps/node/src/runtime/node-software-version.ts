/** The node software version declared at registration (kept equal to apps/node/package.json; a test checks). */
export const NODE_SOFTWARE_VERSION = '0.1.0'
