/** Types shared by the scenario definitions and the generator. */
import type { HostDef } from './render.js';
import type { Trace } from './relay.js';
import type { StackOutcome, TlsVersion } from './stacks.js';

export type BoxTag = 'vcs8c' | 'smartslave';

export interface ConnDef {
  id: string;
  /** One line: what this connection is (e.g. "UC traversal zone, SIP over TLS"). */
  label: string;
  client: {
    host: HostDef;
    port: number;
    stack: 'node' | 'openssl';
    /** Certificate id (certs.ts) the client presents, if any. */
    cert?: string;
    /** CA certificate ids the client trusts. */
    trust: string[];
    servername?: string;
  };
  server: {
    host: HostDef;
    port: number;
    stack: 'openssl' | 'node';
    cert: string;
    trust: string[];
    /**
     * openssl: 'on' = -Verify 1 -verify_return_error (purpose sslclient, OpenSSL's default for a
     * server); 'off' = the same with -purpose any. node: 'reject' = requestCert + rejectUnauthorized;
     * 'request' = requestCert only.
     */
    verify: 'on' | 'off' | 'reject' | 'request';
  };
  version: TlsVersion;
  /** ISO time of the SYN at the client. */
  start: string;
  latencyMs: number;
  /** What the stacks must produce; the generator fails if they do not. */
  expect:
    | { kind: 'complete' }
    | { kind: 'alert'; code: number; by: 'server' | 'client' }
    | { kind: 'silent-close'; by: 'server' };
  keylog?: boolean;
}

export interface BundleDef {
  box: BoxTag;
  /** `YYYY-MM-DD_HH_MM_SS` of the bundle's file names. */
  ts: string;
  clientCert: string;
  serverCert: string;
  /** CA ids in the trusted CA list (ca_ PEM). */
  trust: string[];
  ekuMode: 'On' | 'Off';
  /** Connections captured on this box (default: every connection it is an endpoint of). */
  conns?: string[];
}

export interface ScenarioDef {
  dir: string;
  title: string;
  /** One line for captures/README.md: what it shows. */
  shows: string;
  /** One line for captures/README.md: what the tool should conclude. */
  conclusion: string;
  connections: ConnDef[];
  bundles: BundleDef[];
  /** README body (markdown) above the generated facts. */
  readme: string;
  /** Write the Node client's key log as sslkeylog.txt. */
  keylogFile?: boolean;
}

/** One connection as the generator ran it: its definition, the relay's trace, both stacks' outcomes, the key log. */
export interface ConnResult {
  def: ConnDef;
  trace: Trace;
  client: StackOutcome;
  server: StackOutcome;
  keylog: string[];
}
