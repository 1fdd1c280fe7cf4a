import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { corpusDir } from './corpus.js';

export interface TruthRow {
  kind: 'CERT' | 'CERT_EMPTY' | 'CERT_UNDISSECTED' | 'CERTREQ';
  frame: number;
  sender: string;
  chainIndex: number;
  serial: string;
  subject: string;
  issuer: string;
  tcpStream: number;
  sha256: string;
  tls13Decrypted: boolean;
  crCertTypes: string;
  crDnCount: string;
  note: string;
}

/** tshark's ground truth for a corpus capture (truth/<file>.tsv), or undefined when absent. */
export function truthFor(file: string): TruthRow[] | undefined {
  const p = join(corpusDir, 'truth', `${basename(file)}.tsv`);
  if (!existsSync(p)) return undefined;
  const [head, ...lines] = readFileSync(p, 'utf8').split('\n').filter((l) => l.length > 0);
  const cols = head!.split('\t');
  return lines.map((l) => {
    const v = l.split('\t');
    const g = (n: string) => v[cols.indexOf(n)] ?? '';
    return {
      kind: g('kind') as TruthRow['kind'],
      frame: parseInt(g('frame'), 10),
      sender: g('sender'),
      chainIndex: parseInt(g('chain_index'), 10),
      serial: g('serial_hex'),
      subject: g('subject'),
      issuer: g('issuer'),
      tcpStream: parseInt(g('tcp_stream'), 10),
      sha256: g('sha256'),
      tls13Decrypted: g('tls13_decrypted') === 'yes',
      crCertTypes: g('cr_cert_types'),
      crDnCount: g('cr_dn_count'),
      note: g('note'),
    };
  });
}
