/** Runs tshark on the committed captures with TLS/TCP reassembly on; used by the capture tests. */
import { spawnSync } from 'node:child_process';


const TLS_PORTS = [5061, 7001, 2222, 6972, 25002];

export function tsharkArgs(extra: string[] = []): string[] {
  return [
    '-o', 'tls.desegment_ssl_records:TRUE',
    '-o', 'tcp.desegment_tcp_streams:TRUE',
    '-o', 'tcp.reassemble_out_of_order:TRUE',
    '-o', 'tcp.check_checksum:TRUE',
    '-o', 'ip.check_checksum:TRUE',
    ...TLS_PORTS.flatMap((p) => ['-d', `tcp.port==${p},tls`]),
    ...extra,
  ];
}

export interface Row {
  frame: number;
  src: string;
  srcPort: number;
  dstPort: number;
  hsTypes: number[];
  alertLevel: number[];
  alertDesc: number[];
  serials: string[];
  fin: boolean;
  rst: boolean;
  contentTypes: number[];
  malformed: boolean;
  tcpChecksumBad: boolean;
  ipChecksumBad: boolean;
  lost: boolean;
  retrans: boolean;
  ooo: boolean;
  vlan: string;
}

const FIELDS = [
  'frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'tcp.dstport', 'tls.handshake.type', 'tls.alert_message.level',
  'tls.alert_message.desc', 'x509af.serialNumber', 'tcp.flags.fin', 'tcp.flags.reset', 'tls.record.content_type',
  '_ws.malformed', 'tcp.checksum.status', 'ip.checksum.status', 'tcp.analysis.lost_segment', 'tcp.analysis.retransmission',
  'tcp.analysis.out_of_order', 'vlan.id', 'tls.record.opaque_type',
];

export interface TsharkResult {
  rows: Row[];
  stderr: string;
  status: number | null;
}

export function dissect(file: string, extra: string[] = []): TsharkResult {
  const r = spawnSync('tshark', [...tsharkArgs(extra), '-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f]), '-E', 'aggregator=,', '-E', 'occurrence=a'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const nums = (s: string | undefined) => (s ? s.split(',').filter(Boolean).map(Number) : []);
  const rows = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line): Row => {
      const f = line.split('\t');
      return {
        frame: Number(f[0]),
        src: f[1] || f[2] || '',
        srcPort: Number(f[3]),
        dstPort: Number(f[4]),
        hsTypes: nums(f[5]),
        alertLevel: nums(f[6]),
        alertDesc: nums(f[7]),
        serials: f[8] ? f[8].split(',').filter(Boolean) : [],
        fin: f[9] === '1' || f[9] === 'True',
        rst: f[10] === '1' || f[10] === 'True',
        contentTypes: [...nums(f[11]), ...nums(f[19])],
        malformed: Boolean(f[12]),
        tcpChecksumBad: f[13] === '0',
        ipChecksumBad: (f[14] ?? '').split(',').includes('0'),
        lost: Boolean(f[15]),
        retrans: Boolean(f[16]),
        ooo: Boolean(f[17]),
        vlan: f[18] ?? '',
      };
    });
  return { rows, stderr: r.stderr, status: r.status };
}
