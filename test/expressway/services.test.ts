import { describe, expect, it } from 'vitest';
import { SERVICES, nameService } from '../../src/expressway/services.js';

describe('services table', () => {
  it('has every row of the rule book, in order', () => {
    expect(SERVICES.map((s) => s.name)).toEqual([
      'UC traversal zone (SIP)',
      'SSH tunnels',
      'SIP to CUCM',
      'MRA HTTPS to CUCM',
      'neighbor / CUCM / CMS → Expressway',
      'MRA clients, browsers → Exp-E',
      'Webex call',
      'Webex Hybrid Call inbound',
      'B2B federation',
    ]);
  });
});

describe('nameService: one case per row', () => {
  it('UC traversal zone: C client store, E server store, C clientAuth if E checks', () => {
    const n = nameService({ clientPort: 25010, serverPort: 7001, client: 'expressway-c', server: 'expressway-e' });
    expect(n.service?.id).toBe('uc-traversal');
    expect(n.basis).toEqual(['server port 7001', 'client source port in 25000–29999']);
    expect(n.tlsClientPresents).toEqual({ store: 'client', basis: 'role' });
    expect(n.tlsServerPresents).toEqual({ store: 'server', basis: 'role' });
    expect(n.tlsClientNeeds).toMatchObject({ eku: 'clientAuth', when: 'if-x4-on' });
    expect(n.tlsServerNeeds).toMatchObject({ eku: 'serverAuth', when: 'always' });
    expect(n.rules).toEqual(expect.arrayContaining(['X1', 'X4', 'X7', 'T1']));
  });

  it('UC traversal with unknown ends: the table says both ends are Expressways', () => {
    const n = nameService({ clientPort: 25010, serverPort: 7001 });
    expect(n.service?.id).toBe('uc-traversal');
    expect(n.tlsClientPresents).toEqual({ store: 'client', basis: 'service-table' });
    expect(n.tlsServerPresents).toEqual({ store: 'server', basis: 'service-table' });
  });

  it('SSH tunnels: clientAuth always, and what 2222 carries is decided by bytes', () => {
    const n = nameService({ clientPort: 30001, serverPort: 2222, client: 'expressway-c', serverIsExpresswayE: true });
    expect(n.service?.id).toBe('ssh-tunnels');
    expect(n.tlsClientNeeds).toMatchObject({ eku: 'clientAuth', when: 'always' });
    expect(n.rules).toContain('X5');
    expect(n.notes.join(' ')).toMatch(/uncertain/);
    expect(nameService({ clientPort: 30001, serverPort: 2222, carriesTls: false }).notes.join(' ')).toMatch(/carried SSH/);
  });

  it('SIP to CUCM: Expressway as client presents its client store', () => {
    const n = nameService({ clientPort: 40000, serverPort: 5061, client: 'expressway-c', server: 'cucm' });
    expect(n.service?.id).toBe('sip-to-cucm');
    expect(n.tlsClientPresents).toEqual({ store: 'client', basis: 'role' });
    expect(n.tlsServerPresents).toEqual({ store: 'none', basis: 'not-expressway' });
    expect(n.tlsClientNeeds).toMatchObject({ eku: 'clientAuth', when: 'if-peer-checks' });
  });

  it('MRA HTTPS to CUCM on 6972 and on 8443', () => {
    expect(nameService({ clientPort: 41000, serverPort: 6972 }).service?.id).toBe('mra-https-to-cucm');
    expect(nameService({ clientPort: 41000, serverPort: 6971, client: 'expressway-c' }).tlsClientNeeds?.when).toBe('if-requested');
    expect(nameService({ clientPort: 41000, serverPort: 8443, client: 'expressway-c', server: 'cucm' }).service?.id).toBe('mra-https-to-cucm');
  });

  it('neighbor / CUCM / CMS → Expressway: server store, the peer needs clientAuth if X4 On', () => {
    const n = nameService({ clientPort: 29457, serverPort: 5061, client: 'expressway', server: 'expressway-c' });
    expect(n.service?.id).toBe('inbound-sip');
    expect(n.tlsServerPresents).toEqual({ store: 'server', basis: 'role' });
    expect(n.tlsClientNeeds).toMatchObject({ eku: 'clientAuth', when: 'if-x4-on' });
    expect(nameService({ clientPort: 1234, serverPort: 5061, client: 'cucm', server: 'expressway-c' }).service?.id).toBe('inbound-sip');
  });

  it('MRA clients and browsers → Expressway-E', () => {
    const n = nameService({ clientPort: 50000, serverPort: 443, serverIsExpresswayE: true });
    expect(n.service?.id).toBe('mra-clients');
    expect(n.tlsServerPresents).toEqual({ store: 'server', basis: 'role' });
    expect(n.tlsClientNeeds).toBeUndefined();
    expect(nameService({ clientPort: 50000, serverPort: 8443, client: 'device', server: 'expressway-e' }).service?.id).toBe('mra-clients');
  });

  it('Webex call: Expressway-E as client presents its client store and needs clientAuth', () => {
    const n = nameService({ clientPort: 25002, serverPort: 5061, client: 'expressway-e', server: 'webex' });
    expect(n.service?.id).toBe('webex-call');
    expect(n.tlsClientPresents).toEqual({ store: 'client', basis: 'role' });
    expect(n.tlsClientNeeds).toMatchObject({ eku: 'clientAuth', when: 'always' });
  });

  it('Webex Hybrid Call inbound on 5062', () => {
    const n = nameService({ clientPort: 443, serverPort: 5062, serverIsExpresswayE: true });
    expect(n.service?.id).toBe('webex-hybrid-inbound');
    expect(n.tlsServerNeeds?.eku).toBe('serverAuth');
  });

  it('B2B federation: Expressway-E out to an unknown peer on 5061', () => {
    const n = nameService({ clientPort: 25002, serverPort: 5061, client: 'expressway-e', server: 'other' });
    expect(n.candidates.map((c) => c.id)).toEqual(['webex-call', 'b2b-federation']);
    expect(n.service).toBeUndefined(); // webex or federation: the port cannot tell
    expect(n.tlsClientPresents).toEqual({ store: 'client', basis: 'role' });
    const inbound = nameService({ clientPort: 3333, serverPort: 5061, client: 'other', server: 'expressway-e' });
    expect(inbound.candidates.map((c) => c.id)).toEqual(expect.arrayContaining(['b2b-federation', 'inbound-sip', 'mra-clients']));
  });
});

describe('nameService: ports never decide roles', () => {
  it('the store follows the handshake role even against the table', () => {
    // Expressway-E is TLS client towards 7001 here (odd, but the handshake said so): X1 still holds.
    const n = nameService({ clientPort: 25010, serverPort: 7001, client: 'expressway-e', server: 'expressway-c' });
    expect(n.tlsClientPresents).toEqual({ store: 'client', basis: 'role' });
    expect(n.tlsServerPresents).toEqual({ store: 'server', basis: 'role' });
  });

  it('an unknown port names no service and still applies X1', () => {
    const n = nameService({ clientPort: 50000, serverPort: 9999, client: 'expressway-c' });
    expect(n.service).toBeUndefined();
    expect(n.candidates).toEqual([]);
    expect(n.tlsClientPresents).toEqual({ store: 'client', basis: 'role' });
    expect(n.tlsServerPresents).toEqual({ store: 'unknown' });
    expect(n.notes[0]).toMatch(/not in the services table/);
    expect(n.rules).toEqual(['T1', 'X1']);
  });

  it('5061 with nothing known is ambiguous and says what would help', () => {
    const n = nameService({ clientPort: 40000, serverPort: 5061 });
    expect(n.service).toBeUndefined();
    expect(n.candidates.length).toBe(5);
    expect(n.notes.join(' ')).toMatch(/fits 5 services/);
  });
});
