/** The Cisco document's conditions as presets: each a pair of store specs per box. */
import type { OnOff } from '../xconf.js';
import { DEFAULT_FAR_ENDS, type BoxId, type BoxInput, type FarEnds, type StoreCert, type WhatIfInput } from './inputs.js';
import { SpecError, certFromSpec, parseCertSpec } from './specs.js';

export interface ConditionPreset {
  readonly id: '1' | '2' | '2.1' | '3' | '4';
  readonly title: string;
  readonly c: { readonly client: string; readonly server: string };
  readonly e: { readonly client: string; readonly server: string };
}

/** The Cisco document's certificate layouts ("Condition 1" … "Condition 4"), as flag specs. */
export const CONDITIONS: readonly ConditionPreset[] = Object.freeze([
  {
    id: '1',
    title: 'Condition 1: upgrade from x15.4 (the server certificate copied into the client store)',
    c: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'copy' },
    e: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'copy' },
  },
  {
    id: '2',
    title: 'Condition 2: all new certificates from the public CA2 (serverAuth only)',
    c: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,issuer=public' },
    e: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,issuer=public' },
  },
  {
    id: '2.1',
    title: "Condition 2.1: Expressway-C's client certificate from the private CA1 with clientAuth, the rest public",
    c: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,clientAuth,issuer=private' },
    e: { server: 'eku=serverAuth,issuer=public', client: 'eku=serverAuth,issuer=public' },
  },
  {
    id: '3',
    title: 'Condition 3: every certificate from the private CA1',
    c: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'eku=serverAuth,clientAuth,issuer=private' },
    e: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'eku=serverAuth,clientAuth,issuer=private' },
  },
  {
    id: '4',
    title: "Condition 4: Expressway-E's public serverAuth-only certificate copied into its client store",
    c: { server: 'eku=serverAuth,clientAuth,issuer=private', client: 'eku=serverAuth,clientAuth,issuer=private' },
    e: { server: 'eku=serverAuth,issuer=public', client: 'copy' },
  },
] satisfies ConditionPreset[]);

export function conditionPreset(id: string): ConditionPreset | undefined {
  return CONDITIONS.find((c) => c.id === id);
}

const BOX_SUBJECT: Record<BoxId, string> = { c: 'expressway-c.example', e: 'expressway-e.example' };

/** Builds a box's stores from two specs (server first, so that `copy` can refer to it). */
export function boxFromSpecs(box: BoxId, specs: { readonly client?: string; readonly server?: string }, checking: OnOff, checkingSource: BoxInput['checkingSource'], origin: StoreCert['origin'] = 'flags'): BoxInput {
  const server = specs.server !== undefined ? { ...certFromSpec(parseCertSpec(specs.server), BOX_SUBJECT[box]), origin } : undefined;
  const client = specs.client !== undefined ? { ...certFromSpec(parseCertSpec(specs.client), BOX_SUBJECT[box], server), origin } : undefined;
  return { ...(client ? { client } : {}), ...(server ? { server } : {}), checking, checkingSource };
}

/** The whole input of one document condition, with the far ends as given (default: unknown). */
export function conditionInput(id: string, modes: { readonly c?: OnOff; readonly e?: OnOff } = {}, farEnds: Partial<FarEnds> = {}): WhatIfInput {
  const p = conditionPreset(id);
  if (!p) throw new SpecError(`unknown condition ${JSON.stringify(id)}: use ${CONDITIONS.map((c) => c.id).join(', ')}`);
  return {
    title: p.title,
    c: boxFromSpecs('c', p.c, modes.c ?? 'On', modes.c ? 'flag' : 'default', 'condition'),
    e: boxFromSpecs('e', p.e, modes.e ?? 'On', modes.e ? 'flag' : 'default', 'condition'),
    farEnds: { ...DEFAULT_FAR_ENDS, ...farEnds },
  };
}
