import { describe, expect, it } from 'vitest';
import { parseXapiDump, parseXconf, parseXstat, xapiValue } from '../../src/expressway/xconf.js';

const TEXT_E = [
  '*c xConfiguration SystemUnit Name: "smartslave"',
  '*c xConfiguration Ethernet 1 IP V4 Address: "10.106.80.31"',
  '*c xConfiguration Ethernet 1 IP V6 Address: "2001:db8::31"',
  '*c xConfiguration Ethernet 1 IP V4 StaticNAT Address: "198.51.100.31"',
  '*c xConfiguration Ethernet 2 IP V4 Address: "192.0.2.31"',
  '*c xConfiguration Ethernet 2 IP V6 Address: ""',
  '*c xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: "On"',
  '*c xConfiguration XCP TLS Certificate CVS EnableServerEkuUpload: On',
  '*c xConfiguration SIP TLS Port: 5061',
  '** end',
  '',
  'OK',
].join('\r\n');

describe('parseXconf (text)', () => {
  it('reads the system name, interfaces, checking mode, X6 switch and every key', () => {
    const x = parseXconf(Buffer.from(TEXT_E));
    expect(x.format).toBe('text');
    expect(x.systemName).toBe('smartslave');
    expect(x.interfaces).toEqual([
      { index: 1, ipv4: '10.106.80.31', ipv6: '2001:db8::31', ipv4StaticNat: '198.51.100.31' },
      { index: 2, ipv4: '192.0.2.31' },
    ]);
    expect(x.addresses).toEqual(['10.106.80.31', '2001:db8::31', '198.51.100.31', '192.0.2.31']);
    expect(x.sipTlsEkuChecking).toMatchObject({ mode: 'On', defaulted: false, raw: 'On', rule: 'X4' });
    expect(x.xcpServerEkuUpload).toMatchObject({ mode: 'On', rule: 'X6' });
    expect(xapiValue(x.values, 'sip tls  port')).toBe('5061');
    expect(x.problems).toEqual([]);
  });

  it('defaults the checking mode to On when absent, and says so', () => {
    const x = parseXconf('*c xConfiguration SystemUnit Name: "vcs8c"\n');
    expect(x.sipTlsEkuChecking).toMatchObject({ mode: 'On', defaulted: true });
    expect(x.sipTlsEkuChecking.raw).toBeUndefined();
    expect(x.problems.map((p) => p.code)).toEqual(['xconf-defaulted']);
    expect(x.xcpServerEkuUpload).toBeUndefined();
  });

  it('reads Off, flags unknown values, and survives garbage', () => {
    expect(parseXconf('*c xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: Off').sipTlsEkuChecking.mode).toBe('Off');
    const odd = parseXconf('*c xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: "Maybe"');
    expect(odd.sipTlsEkuChecking.mode).toBe('unknown');
    expect(odd.problems.map((p) => p.code)).toContain('xconf-unknown-value');
    const junk = parseXconf(new Uint8Array([0xff, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a, 0xc3]));
    expect(junk.values.size).toBe(0);
    expect(junk.problems.map((p) => p.code)).toContain('xapi-empty');
  });

  it('handles a UTF-8 BOM and a UTF-16LE dump', () => {
    const line = '*c xConfiguration SystemUnit Name: "vcs_8c"\n';
    expect(parseXconf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(line)])).systemName).toBe('vcs_8c');
    expect(parseXconf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line, 'utf16le')])).systemName).toBe('vcs_8c');
  });

  it('is bounded', () => {
    const many = Array.from({ length: 50 }, (_, i) => `*c xConfiguration K ${i}: "${'v'.repeat(i)}"`).join('\n');
    const x = parseXconf(many, { maxKeys: 10, maxValueLength: 5 });
    expect(x.values.size).toBe(10);
    expect(x.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['xapi-limit', 'xapi-long-value']));
    const big = parseXconf('x'.repeat(2000), { maxBytes: 100 });
    expect(big.problems.map((p) => p.code)).toContain('xapi-too-large');
  });
});

const XML_C = `<?xml version="1.0"?>
<!-- exported -->
<Configuration product="Cisco Expressway" version="X15.5" apiVersion="4">
  <SystemUnit><Name valueSpaceRef="/Valuespace/STR">vcs8c &amp; co</Name></SystemUnit>
  <Ethernet item="1" maxOccurrence="2">
    <IP><V4><Address>10.106.80.16</Address></V4><V6><Address/></V6></IP>
  </Ethernet>
  <SIP><TLS><Certificate><ExtendedKeyUsage><Checking><Mode>Off</Mode></Checking></ExtendedKeyUsage></Certificate></TLS></SIP>
  <Note><![CDATA[a <raw> value]]></Note>
</Configuration>`;

describe('parseXconf (XML)', () => {
  it('flattens elements and item numbers into the text form keys', () => {
    const x = parseXconf(Buffer.from(XML_C));
    expect(x.format).toBe('xml');
    expect(x.systemName).toBe('vcs8c & co');
    expect(x.interfaces).toEqual([{ index: 1, ipv4: '10.106.80.16' }]);
    expect(x.sipTlsEkuChecking).toMatchObject({ mode: 'Off', defaulted: false });
    expect(x.rootProduct).toBe('Cisco Expressway');
    expect(x.rootVersion).toBe('X15.5');
    expect(xapiValue(x.values, 'Note')).toBe('a <raw> value');
    expect(x.values.get('Ethernet 1 IP V6 Address')).toBe('');
    expect(x.problems).toEqual([]);
  });

  it('keeps what was read before a truncation and says where', () => {
    const cut = XML_C.slice(0, XML_C.indexOf('<SIP>') + 20);
    const x = parseXconf(cut);
    expect(x.systemName).toBe('vcs8c & co');
    expect(x.sipTlsEkuChecking.defaulted).toBe(true);
    expect(x.problems.some((p) => p.code === 'xml-truncated' && typeof p.offset === 'number')).toBe(true);
  });

  it('does not expand entity declarations and bounds nesting', () => {
    const bomb = '<!DOCTYPE x [<!ENTITY a "aaaa">]><Configuration><A>&a;&a;</A></Configuration>';
    expect(parseXconf(bomb).values.get('A')).toBe('&a;&a;');
    const deep = '<Configuration>' + '<A>'.repeat(200) + 'v' + '</A>'.repeat(200) + '</Configuration>';
    const x = parseXconf(deep);
    expect(x.problems.map((p) => p.code)).toContain('xml-limit');
  });
});

describe('parseXstat', () => {
  it('reads product and version from text', () => {
    const s = parseXstat('*s SystemUnit Product: "Cisco Expressway"\n*s SystemUnit Software Version: "X15.5"\n*s SystemUnit Uptime: 1234\n** end\n');
    expect(s).toMatchObject({ format: 'text', product: 'Cisco Expressway', version: 'X15.5' });
    expect(xapiValue(s.values, 'SystemUnit Uptime')).toBe('1234');
  });

  it('reads product and version from XML, falling back to the root attributes', () => {
    const full = parseXstat('<Status><SystemUnit><Product>Cisco Expressway</Product><Software><Version>X15.5.1</Version></Software></SystemUnit></Status>');
    expect(full).toMatchObject({ format: 'xml', product: 'Cisco Expressway', version: 'X15.5.1' });
    const root = parseXstat('<Status product="TANDBERG Video Communication Server" version="X15.4"><Other>1</Other></Status>');
    expect(root).toMatchObject({ product: 'TANDBERG Video Communication Server', version: 'X15.4' });
  });

  it('parseXapiDump warns on an unexpected root', () => {
    expect(parseXapiDump('<Foo><A>1</A></Foo>', 'status').problems.map((p) => p.code)).toContain('xml-unexpected-root');
  });
});
