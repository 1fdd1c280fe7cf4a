import { describe, expect, it } from 'vitest';
import {
  type CertInfo,
  type PurposeVerdict,
  type TlsPurpose,
  ekuStatus,
  evaluatePurpose,
  parseCertificate,
  verdictSummary,
  checkValidity,
  isExpired,
} from '../../src/x509/index.js';
import { describeWith } from '../helpers/tools.js';
import { cert, ext, fixturePath, makeCert, oid, openssl, seq } from './helpers.js';

const root = cert('root-noeku.pem');
const intS = cert('int-serverauth.pem');
const intN = cert('int-noeku.pem');

function failing(v: PurposeVerdict, family: keyof PurposeVerdict['verdicts']): string[] {
  return v.verdicts[family].reasons.filter((r) => r.fails).map((r) => `${r.rule}@${r.certIndex}`);
}

describe('ekuStatus (E1, E2, E3)', () => {
  it('summarises each fixture', () => {
    expect(ekuStatus(cert('leaf-client-ok.pem'), 'clientAuth')).toBe('present');
    expect(ekuStatus(cert('leaf-serveronly.pem'), 'clientAuth')).toBe('missing');
    expect(ekuStatus(cert('leaf-noeku.pem'), 'clientAuth')).toBe('no-eku-extension');
    expect(ekuStatus(cert('leaf-anyeku.pem'), 'clientAuth')).toBe('any-eku-only');
    expect(ekuStatus(cert('leaf-serveronly.pem'), 'serverAuth')).toBe('present');
    expect(ekuStatus(parseCertificate(new Uint8Array([0])), 'clientAuth')).toBe('undecodable');
  });
});

describe('evaluatePurpose per verifier family', () => {
  it('E5: clientAuth leaf under a serverAuth-only intermediate fails sslClient for OpenSSL, Go, NSS, Windows; Java passes, uncertain', () => {
    const v = evaluatePurpose([cert('leaf-client-under-serverauth.pem'), intS, root], 'sslClient');
    expect(v.leafEku).toBe('present');
    expect(verdictSummary(v)).toEqual({ accept: ['java'], reject: ['openssl', 'go', 'nss', 'windows'], uncertain: ['java'] });
    for (const f of ['openssl', 'go', 'nss', 'windows'] as const) expect(failing(v, f)).toEqual(['E5@1']);
    expect(v.verdicts.java.reasons.map((r) => [r.rule, r.fails])).toEqual([['E5', false]]);
    // The same chain is fine as a server chain.
    expect(verdictSummary(evaluatePurpose([cert('leaf-client-under-serverauth.pem'), intS, root], 'sslServer')).reject).toEqual([]);
  });

  it('a private CA without EKU: everything accepts', () => {
    const v = evaluatePurpose([cert('leaf-client-ok.pem'), intN, root], 'sslClient');
    expect(verdictSummary(v)).toEqual({ accept: ['openssl', 'go', 'java', 'nss', 'windows'], reject: [], uncertain: [] });
  });

  it('E2: serverAuth-only leaf fails sslClient everywhere; E4: critical or not makes no difference', () => {
    for (const f of ['leaf-serveronly.pem', 'leaf-serveronly-critical.pem']) {
      const v = evaluatePurpose([cert(f), root], 'sslClient');
      expect(v.leafEku).toBe('missing');
      expect(verdictSummary(v).accept).toEqual([]);
      expect(failing(v, 'openssl')).toEqual(['E2@0']);
    }
    const crit = evaluatePurpose([cert('leaf-serveronly-critical.pem'), root], 'sslClient');
    expect(crit.verdicts.openssl.reasons.some((r) => r.rule === 'E4' && !r.fails)).toBe(true);
  });

  it('E3: anyEKU alone passes Go and Java, fails OpenSSL and NSS; Windows uncertain', () => {
    const v = evaluatePurpose([cert('leaf-anyeku.pem'), root], 'sslClient');
    expect(v.leafEku).toBe('any-eku-only');
    expect(verdictSummary(v).accept).toEqual(['go', 'java']);
    expect(failing(v, 'openssl')).toEqual(['E3@0']);
    expect(failing(v, 'nss')).toEqual(['E3@0']);
    expect(v.verdicts.windows.uncertain).toBe(true);
  });

  it('E1: no EKU at all is no restriction', () => {
    const v = evaluatePurpose([cert('leaf-noeku.pem'), root], 'sslClient');
    expect(verdictSummary(v).reject).toEqual([]);
    expect(v.verdicts.openssl.reasons[0]!.rule).toBe('E1');
  });

  it('E7: keyEncipherment-only KU fails a TLS client certificate (not Go, which ignores KU)', () => {
    const v = evaluatePurpose([cert('leaf-ku-keyenc-only.pem'), root], 'sslClient');
    expect(verdictSummary(v).accept).toEqual(['go']);
    expect(failing(v, 'openssl')).toEqual(['E7@0']);
    expect(verdictSummary(evaluatePurpose([cert('leaf-ku-keyenc-only.pem'), root], 'sslServer')).reject).toEqual([]);
  });

  it('E8: the suite decides the server KU need', () => {
    // TLS_RSA_* needs keyEncipherment; ECDHE_RSA needs digitalSignature.
    const digsig = evaluatePurpose([cert('leaf-ku-digsig-only.pem'), root], 'sslServer', 'keyEncipherment');
    expect(failing(digsig, 'openssl')).toEqual(['E8@0']);
    expect(digsig.verdicts.go.ok).toBe(true);
    const keyenc = evaluatePurpose([cert('leaf-ku-keyenc-only.pem'), root], 'sslServer', 'digitalSignature');
    expect(failing(keyenc, 'openssl')).toEqual(['E8@0']);
    expect(evaluatePurpose([cert('leaf-ku-digsig-only.pem'), root], 'sslServer', 'digitalSignature').verdicts.openssl.ok).toBe(true);
  });

  it('E7: a Netscape cert type without the SSL client bit fails OpenSSL (and Java) as a client', () => {
    const v = evaluatePurpose([cert('leaf-nscerttype-server.pem'), root], 'sslClient');
    expect(failing(v, 'openssl')).toEqual(['E7@0']);
    expect(failing(v, 'java')).toEqual(['E7@0']);
    expect(v.verdicts.go.ok).toBe(true);
    expect(evaluatePurpose([cert('leaf-nscerttype-server.pem'), root], 'sslServer').verdicts.openssl.ok).toBe(true);
  });

  it('E7: a CA whose KU lacks keyCertSign; E5: a CA with anyEKU passes Go only', () => {
    const leaf = cert('leaf-noeku.pem');
    const badCa = parseCertificate(makeCert({ extensions: [ext('2.5.29.15', new Uint8Array([0x03, 0x02, 0x07, 0x80]))] }));
    expect(failing(evaluatePurpose([leaf, badCa], 'sslServer'), 'openssl')).toEqual(['E7@1']);
    const anyCa = parseCertificate(makeCert({ extensions: [ext('2.5.29.37', seq(oid('2.5.29.37.0')))] }));
    const v = evaluatePurpose([cert('leaf-client-ok.pem'), anyCa], 'sslClient');
    expect(v.verdicts.go.ok).toBe(true);
    expect(v.verdicts.openssl.ok).toBe(false);
    expect(v.verdicts.java).toMatchObject({ ok: true, uncertain: true });
  });

  it('a leaf alone is judged with a note that CA EKUs were not seen; undecodable leaf fails', () => {
    const v = evaluatePurpose([cert('leaf-client-under-serverauth.pem')], 'sslClient');
    expect(verdictSummary(v).reject).toEqual([]);
    expect(v.notes.join(' ')).toMatch(/only the leaf/);
    expect(verdictSummary(evaluatePurpose([parseCertificate(new Uint8Array([1]))], 'sslClient')).accept).toEqual([]);
  });
});

describe('checkValidity', () => {
  it('valid, expired and not yet valid at a given time', () => {
    const c = cert('leaf-noeku.pem');
    const nb = c.validity!.notBefore.getTime();
    const na = c.validity!.notAfter.getTime();
    expect(checkValidity(c, new Date(nb + 1000)).state).toBe('valid');
    expect(checkValidity(c, new Date(na)).state).toBe('valid'); // inclusive (RFC 5280 §4.1.2.5)
    expect(checkValidity(c, new Date(nb - 1000)).state).toBe('not-yet-valid');
    expect(isExpired(c, new Date(na + 1000))).toBe(true);
    expect(checkValidity(parseCertificate(new Uint8Array([1])), new Date()).state).toBe('unknown');
  });
});

const describeOpenssl = (name: string, body: () => void) => describeWith(['openssl'], name, body);

describeOpenssl('openssl family verdict against openssl verify -purpose', () => {
  const cases: { leaf: string; chain: CertInfo[]; untrusted?: string }[] = [
    { leaf: 'leaf-client-under-serverauth.pem', chain: [intS, root], untrusted: 'int-serverauth.pem' },
    { leaf: 'leaf-client-ok.pem', chain: [intN, root], untrusted: 'int-noeku.pem' },
    ...[
      'leaf-serveronly.pem',
      'leaf-serveronly-critical.pem',
      'leaf-anyeku.pem',
      'leaf-noeku.pem',
      'leaf-ku-keyenc-only.pem',
      'leaf-ku-digsig-only.pem',
      'leaf-nscerttype-server.pem',
      'leaf-rsa4096.pem',
      'leaf-ec.pem',
      'leaf-serial-pad.pem',
      'leaf-hostile-cn.pem',
      'leaf-names.pem',
    ].map((leaf) => ({ leaf, chain: [root] })),
  ];
  for (const c of cases) {
    for (const [purpose, flag] of [
      ['sslClient', 'sslclient'],
      ['sslServer', 'sslserver'],
    ] as [TlsPurpose, string][]) {
      it(`${c.leaf} as ${purpose}`, () => {
        const args = ['verify', '-purpose', flag, '-CAfile', fixturePath('root-noeku.pem')];
        if (c.untrusted) args.push('-untrusted', fixturePath(c.untrusted));
        const r = openssl([...args, fixturePath(c.leaf)]);
        const opensslOk = r.status === 0;
        const v = evaluatePurpose([cert(c.leaf), ...c.chain], purpose);
        expect({ leaf: c.leaf, purpose, ok: v.verdicts.openssl.ok }).toEqual({ leaf: c.leaf, purpose, ok: opensslOk });
        if (!opensslOk) {
          // OpenSSL names the first failing depth; our first failing reason must point at the same certificate.
          const m = /error 26 at (\d+) depth lookup: (unsuitable|unsupported) certificate purpose/.exec(r.stdout + r.stderr);
          expect(m, r.stdout + r.stderr).not.toBeNull();
          const firstFail = v.verdicts.openssl.reasons.find((x) => x.fails)!;
          expect(Math.min(...v.verdicts.openssl.reasons.filter((x) => x.fails).map((x) => x.certIndex))).toBe(Number(m![1]));
          expect(firstFail).toBeDefined();
        }
      });
    }
  }
});
