import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key and certificate for a test server. */
export interface ServerCredentials {
  readonly key: string;
  readonly cert: string;
}

export interface TestCertificates {
  /** The test CA, to pass as the transport's `ca`. */
  readonly ca: string;
  /** localhost / 127.0.0.1, signed by the CA, 90 days. */
  readonly valid: ServerCredentials;
  /** Signed by the CA, valid but expiring in 5 days. */
  readonly expiringSoon: ServerCredentials;
  /** Signed by the CA, valid January 2020 only. */
  readonly expired: ServerCredentials;
  /** Signed by the CA for other.example only. */
  readonly otherHost: ServerCredentials;
  /** Its own issuer. */
  readonly selfSigned: ServerCredentials;
  readonly cleanup: () => void;
}

const caConfig = `[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any_subject
unique_subject = no
[any_subject]
commonName = supplied
[leaf]
subjectAltName = DNS:localhost,IP:127.0.0.1
`;

/**
 * Generates a throwaway PKI with the system `openssl` (3.0 has no
 * `x509 -not_before`, so the expired certificate comes from `openssl ca -startdate/-enddate`).
 * EC keys keep this to a few tens of milliseconds.
 */
export function generateTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'probe-certs-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  writeFileSync(join(dir, 'ca.cnf'), caConfig);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'localhost.ext'), 'subjectAltName = DNS:localhost,IP:127.0.0.1\n');
  writeFileSync(join(dir, 'other.ext'), 'subjectAltName = DNS:other.example\n');

  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '30',
    '-subj',
    '/CN=Probe Test CA',
  );
  openssl('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
  const signed = (name: string, days: string, ext = 'localhost.ext'): void =>
    openssl(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      days,
      '-extfile',
      ext,
      '-out',
      name,
    );
  signed('valid.crt', '90');
  signed('soon.crt', '5');
  signed('other.crt', '90', 'other.ext');
  openssl(
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.crt',
    '-keyfile',
    'ca.key',
    '-in',
    'leaf.csr',
    '-out',
    'expired.crt',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200201000000Z',
    '-extensions',
    'leaf',
    '-notext',
  );
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'self.key',
    '-out',
    'self.crt',
    '-days',
    '30',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  );

  const leafKey = read('leaf.key');
  return {
    ca: read('ca.crt'),
    valid: { key: leafKey, cert: read('valid.crt') },
    expiringSoon: { key: leafKey, cert: read('soon.crt') },
    expired: { key: leafKey, cert: read('expired.crt') },
    otherHost: { key: leafKey, cert: read('other.crt') },
    selfSigned: { key: read('self.key'), cert: read('self.crt') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
