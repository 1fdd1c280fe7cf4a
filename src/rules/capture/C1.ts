import { boxTitle } from '../../expressway/context.js';
import { checkValidity } from '../../x509/index.js';
import type { CaptureFacts, PresentedFacts, StoreRoleFacts } from '../checks.js';
import { clockAdvice } from '../facts/capture.js';
import { certName } from '../facts/words.js';
import type { RuleFinding } from '../finding.js';
import type { Rule } from '../types.js';

export const C1: Rule = {
  id: 'C1',
  family: 'C',
  title: 'Time is judged at the frame',
  statement: 'A certificate\'s validity is judged at the timestamp of the frame that carried it, not the capture\'s first packet. Timestamps that jump are capture advice, not certificate faults.',
  explanation: [
    'The rule book: "Time: a time-dependent fact (a certificate not yet valid or expired) is judged at the timestamp of the frame that carried the certificate, never the capture\'s first packet. Timestamps that jump (1970, years apart) are capture advice, not certificate faults."',
    'A long capture can span a certificate\'s expiry, and a capturing clock that was never set (frames stamped 1970) would make every certificate look not yet valid. So ekuscope judges each certificate at its own frame, does not judge it at all before 2000, and gives clock advice for the capture instead. Store audits judge the stores\' certificates at the time of the audit.',
  ].join('\n\n'),
  fix: 'Set the capturing machine\'s clock (NTP) before capturing; editcap -t shifts a file\'s timestamps when the offset is known.',
  sources: ['RFC 5280 §4.1.2.5'],
  checks: {
    presented: [{ order: 5, run: validityAtFrame }],
    capture: [{ order: 11, run: captureClock }],
    storeRole: [{ order: 6, run: storeExpiry }],
  },
};

/** Validity when the frame that carried it was captured (C1), never at the capture's first packet. */
function validityAtFrame(f: PresentedFacts): RuleFinding[] {
  const { p, sid, frames, what, end } = f;
  if (!f.verdict) return [];
  const leaf = f.verdict.leaf;
  const out: RuleFinding[] = [];
  if (p.validity && p.validityAt && (p.validity.state === 'expired' || p.validity.state === 'not-yet-valid')) {
    const when = p.validityAt.toISOString();
    out.push({
      severity: 'error',
      rule: 'C1',
      alsoRules: ['T4'],
      session: sid,
      frames,
      code: p.validity.state === 'expired' ? 'cert-expired' : 'cert-not-yet-valid',
      title: `The ${what} was ${p.validity.state === 'expired' ? 'expired' : 'not yet valid'} when frame ${p.message.frame} was captured`,
      detail: `${certName(leaf)}: ${p.validity.text}, and frame ${p.message.frame}, which carried it, is stamped ${when} (C1). A verifier answers certificate_expired (45) or bad_certificate (42). If the capturing machine's clock was wrong, this is not a certificate fault: check the capture's timestamps first.`,
      fix: `Check the capture's clock; if it was right, renew the certificate${end.box ? ` in ${boxTitle(end.box)}'s ${p.from} store` : ''}.`,
    });
  } else if (p.clockImplausible) {
    out.push({
      severity: 'info',
      rule: 'C1',
      session: sid,
      frames,
      code: 'cert-time-not-judged',
      title: `Whether the ${what} was valid is not judged: frame ${p.message.frame} is stamped ${p.clockImplausible.toISOString().slice(0, 10)}`,
      detail: `The frame that carried ${certName(leaf)} has a timestamp before 2000, from a clock that was not set; judging validity at it would blame the certificate for the capture's clock (C1). The certificate is valid from ${leaf.validity?.notBeforeIso ?? '?'} to ${leaf.validity?.notAfterIso ?? '?'}.`,
      fix: 'Set the capturing machine\'s clock (NTP) before capturing, or correct the file\'s timestamps with editcap -t.',
    });
  }
  return out;
}

/** A capture whose clock jumps: advice, not a certificate fault. */
function captureClock(f: CaptureFacts): RuleFinding[] {
  const { a } = f;
  const cap = a.capture;
  const out: RuleFinding[] = [];
  const clock = clockAdvice(cap.firstTs, cap.lastTs);
  if (clock) out.push({ severity: 'info', rule: 'C1', frames: [], code: 'capture-clock', title: `${a.source}: ${clock.title}`, detail: `${clock.detail} Validity is judged at each certificate's own frame, never at the first packet (C1).`, fix: clock.fix });
  return out;
}

/** A store certificate expired, not yet valid, or expiring within 30 days (judged now). */
function storeExpiry(f: StoreRoleFacts): RuleFinding[] {
  const { role, entries } = f;
  const { name, now } = f.store;
  if (!f.judged) return [];
  const out: RuleFinding[] = [];
  for (const e of entries.slice(0, 1)) {
    const val = checkValidity(e.cert, now);
    if (val.state === 'expired' || val.state === 'not-yet-valid' || (val.daysToExpiry !== undefined && val.daysToExpiry < 30))
      out.push({
        severity: val.state === 'valid' ? 'warning' : 'error',
        rule: 'C1',
        frames: [],
        code: `${role}-store-expiry`,
        title: `${name}: the ${role}-store certificate ${val.state === 'expired' ? 'has expired' : val.state === 'not-yet-valid' ? 'is not valid yet' : `expires in ${val.daysToExpiry} days`}`,
        detail: `${e.file}: ${certName(e.cert)}, ${val.text}.`,
        fix:
          role === 'client'
            ? 'Renew it in time; from 2026 public CAs issue serverAuth-only certificates, so the client store needs one from a private CA that adds clientAuth.'
            : 'Renew it in time (a public serverAuth certificate is fine for the server store).',
      });
  }
  return out;
}
