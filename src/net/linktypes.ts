/** LINKTYPE_* values this stage decodes (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW_BSD12: 12, // DLT_RAW on most BSDs, written as-is by some tools
  RAW_OPENBSD14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export function linkTypeName(t: number): string {
  switch (t) {
    case 0: return 'BSD loopback (NULL)';
    case 1: return 'Ethernet';
    case 12: case 14: case 101: return 'raw IP';
    case 108: return 'OpenBSD loopback';
    case 113: return 'Linux cooked (SLL)';
    case 228: return 'raw IPv4';
    case 229: return 'raw IPv6';
    case 276: return 'Linux cooked v2 (SLL2)';
    default: return `link type ${t}`;
  }
}
