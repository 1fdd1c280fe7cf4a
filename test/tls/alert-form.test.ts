import { describe, expect, it } from 'vitest';
import { closeEvents } from '../../src/net/index.js';
import { alertForm } from '../../src/tls/index.js';

describe('alertForm: whether an alert record can be read without keys (C6)', () => {
  const base = { keysChanged: false, tls13: false, keysUnknown: false, nullCipher: false, length: 2 };
  it('reads a plaintext alert before the keys change, and never one after ChangeCipherSpec', () => {
    expect(alertForm(base)).toBe('plaintext');
    expect(alertForm({ ...base, keysChanged: true })).toBe('encrypted');
    expect(alertForm({ ...base, keysChanged: true, length: 26 })).toBe('encrypted');
  });
  it('TLS 1.3 after the ServerHello: only the two bytes of a plaintext alert are one', () => {
    expect(alertForm({ ...base, tls13: true, keysChanged: true })).toBe('plaintext');
    expect(alertForm({ ...base, tls13: true, keysChanged: true, length: 19 })).toBe('encrypted');
  });
  it('a connection joined mid-stream (no hello): any length but two is ciphertext', () => {
    expect(alertForm({ ...base, keysUnknown: true, length: 26 })).toBe('encrypted');
    expect(alertForm({ ...base, keysUnknown: true })).toBe('plaintext');
  });
  it('a NULL-cipher suite is read in clear after ChangeCipherSpec', () => {
    expect(alertForm({ ...base, keysChanged: true, nullCipher: true, length: 34 })).toBe('null-cipher');
  });
});

describe('closeEvents: each FIN and RST once, from its sender (C5)', () => {
  it('a RST that ended both directions is one event from its sender', () => {
    expect(closeEvents([{ reason: 'rst', frame: 9, from: 1 }, { reason: 'rst', frame: 9 }])).toEqual([{ kind: 'rst', from: 1, frame: 9 }]);
  });
  it('a FIN each way, then the capture end, in frame order', () => {
    expect(closeEvents([{ reason: 'fin', frame: 12 }, { reason: 'fin', frame: 10 }])).toEqual([
      { kind: 'fin', from: 1, frame: 10 },
      { kind: 'fin', from: 0, frame: 12 },
    ]);
    expect(closeEvents([{ reason: 'capture-end', frame: 20 }, undefined])).toEqual([]);
  });
  it('a RST after the sender had closed with a FIN is still its own', () => {
    expect(closeEvents([{ reason: 'fin', frame: 5 }, { reason: 'rst', frame: 7, from: 0 }])).toEqual([
      { kind: 'fin', from: 0, frame: 5 },
      { kind: 'rst', from: 0, frame: 7 },
    ]);
  });
});
