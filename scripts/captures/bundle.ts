/**
 * The non-capture files of an Expressway diagnostic bundle: xconf / xstat dumps (text and XML) and
 * the logging snapshot. Only the lines a reader of these captures needs, in Expressway's formats.
 */

export interface BoxConfig {
  host: string; // SystemUnit Name, e.g. vcs8c
  role: 'Core' | 'Edge';
  ip: string;
  ekuMode: 'On' | 'Off';
  domain: string;
}

export function xconfText(b: BoxConfig): string {
  const lines = [
    `*c xConfiguration Ethernet 1 IP V4 Address: "${b.ip}"`,
    `*c xConfiguration Ethernet 1 IP V4 SubnetMask: "255.255.255.0"`,
    `*c xConfiguration Ethernet 1 Speed: "Auto"`,
    `*c xConfiguration IP Gateway: "10.106.80.1"`,
    `*c xConfiguration IP DNS Domain Name: "${b.domain}"`,
    `*c xConfiguration IP DNS Hostname: "${b.host}"`,
    `*c xConfiguration NTP Server 1 Address: "10.106.80.1"`,
    `*c xConfiguration SIP Mode: "On"`,
    `*c xConfiguration SIP TLS Mode: "On"`,
    `*c xConfiguration SIP TLS Port: 5061`,
    `*c xConfiguration SIP TLS Certificate ExtendedKeyUsage Checking Mode: "${b.ekuMode}"`,
    `*c xConfiguration SIP TLS Certificate Revocation Checking Mode: "Off"`,
    `*c xConfiguration SystemUnit Name: "${b.host}"`,
    `*c xConfiguration Zones Zone 2 Name: "uczone.MRA Unified Communications traversal"`,
    `*c xConfiguration Zones Zone 2 Type: "${b.role === 'Core' ? 'TraversalClient' : 'TraversalServer'}"`,
    `*c xConfiguration Zones Zone 2 TraversalClient SIP Port: 7001`,
    `*c xConfiguration Zones Zone 2 TraversalClient SIP Transport: "TLS"`,
    `*c xConfiguration Zones Zone 2 TraversalClient SIP TLS Verify Mode: "On"`,
  ];
  if (b.role === 'Core') lines.push(`*c xConfiguration Zones Zone 2 TraversalClient Peer 1 Address: "smartslave.vikdutta.com"`);
  return `${lines.join('\n')}\nOK\n`;
}

export function xconfXml(b: BoxConfig): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration product="TANDBERG Video Communication Server" version="X15.5" uri="/getxml?location=/Configuration">
  <Ethernet item="1">
    <IP><V4><Address valueSpaceRef="/ValueSpace/IPv4Address">${b.ip}</Address><SubnetMask>255.255.255.0</SubnetMask></V4></IP>
  </Ethernet>
  <IP><Gateway>10.106.80.1</Gateway><DNS><Domain><Name>${b.domain}</Name></Domain><Hostname>${b.host}</Hostname></DNS></IP>
  <SIP>
    <Mode>On</Mode>
    <TLS><Mode>On</Mode><Port>5061</Port><Certificate><ExtendedKeyUsage><Checking><Mode>${b.ekuMode}</Mode></Checking></ExtendedKeyUsage></Certificate></TLS>
  </SIP>
  <SystemUnit><Name>${b.host}</Name></SystemUnit>
</Configuration>
`;
}

export function xstatText(b: BoxConfig, uptime: number): string {
  return `*s SystemUnit: /
    Product: "TANDBERG VCS"
    Uptime: ${uptime}
    Software:
      Version: "X15.5"
      Name: "${b.role === 'Core' ? 'Expressway-C' : 'Expressway-E'}"
    Hardware:
      Version: "VMware"
*s/end
*s Ethernet 1: /
    MacAddress: "${b.role === 'Core' ? '00:50:56:A2:4C:16' : '00:50:56:A2:4C:31'}"
    Speed: "10000full"
    IP:
      V4:
        Address: "${b.ip}"
*s/end
OK
`;
}

export function xstatXml(b: BoxConfig, uptime: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Status product="TANDBERG Video Communication Server" version="X15.5" uri="/getxml?location=/Status">
  <SystemUnit><Product>TANDBERG VCS</Product><Uptime>${uptime}</Uptime><Software><Version>X15.5</Version><Name>${b.role === 'Core' ? 'Expressway-C' : 'Expressway-E'}</Name></Software></SystemUnit>
  <Ethernet item="1"><IP><V4><Address>${b.ip}</Address></V4></IP></Ethernet>
</Status>
`;
}

/** `2026-03-24T11:54:26.106+00:00` and `2026-03-24 11:54:26,106` forms of a timestamp in ns. */
export function logTimes(tsNs: bigint): { iso: string; utc: string } {
  const d = new Date(Number(tsNs / 1_000_000n));
  const iso = d.toISOString().replace('Z', '+00:00');
  const utc = d.toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  return { iso, utc };
}
