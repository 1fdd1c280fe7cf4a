/** Facts of a store audit: the services a client store serves. */
import type { ExpresswayBox } from '../../expressway/context.js';

export interface ServiceLoss {
  readonly service: string;
  readonly when: string;
}

/** Services where a box presents its client store, with when the peer needs clientAuth (services table). */
export function clientStoreServices(box: ExpresswayBox | undefined): ServiceLoss[] {
  const e = box?.edition ?? 'expressway';
  const rows: { service: string; when: string; editions: readonly string[] }[] = [
    { service: 'UC traversal zone (SIP, to Expressway-E 7001)', when: 'if Expressway-E checks EKU (X4, default On)', editions: ['expressway-c'] },
    { service: 'SSH tunnels (to Expressway-E 2222)', when: 'always (X5)', editions: ['expressway-c'] },
    { service: 'SIP to CUCM (5061)', when: 'if CUCM verifies the certificate', editions: ['expressway-c'] },
    { service: 'MRA HTTPS / TFTP to CUCM (8443, 6971/6972)', when: 'where CUCM requests a certificate', editions: ['expressway-c'] },
    { service: 'Webex calls (to Webex 5061)', when: 'always: Webex requests a certificate', editions: ['expressway-e'] },
    { service: 'B2B federation, outbound (5061)', when: 'if the receiver checks clientAuth', editions: ['expressway-e'] },
    { service: 'Neighbor zones with TLS verify On, outbound (5061)', when: 'if the neighbor checks clientAuth (X4 On on an Expressway, X8)', editions: ['expressway-c', 'expressway-e'] },
  ];
  return rows.filter((r) => e === 'expressway' || r.editions.includes(e)).map(({ service, when }) => ({ service, when }));
}
