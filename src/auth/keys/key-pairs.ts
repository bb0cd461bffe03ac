import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export type AsymmetricAlgorithm = 'ES256' | 'RS256';

export interface GeneratedKey {
  readonly kid: string;
  readonly algorithm: AsymmetricAlgorithm;
  /** kty and the public members only: what the JWKS publishes beside kid, alg and use. */
  readonly publicJwk: Record<string, string>;
  /** PKCS#8 DER: to be encrypted before it is stored. */
  readonly privateDer: Buffer;
}

const generate = promisify(generateKeyPair);

/** A fresh key pair: P-256 for ES256, 2048-bit RSA for RS256. Its kid is its RFC 7638 thumbprint. */
export async function generateSigningKey(algorithm: AsymmetricAlgorithm): Promise<GeneratedKey> {
  const { publicKey, privateKey } =
    algorithm === 'ES256' ? await generate('ec', { namedCurve: 'P-256' }) : await generate('rsa', { modulusLength: 2048 });
  const publicJwk = publicMembers(publicKey);
  return { kid: thumbprint(publicJwk), algorithm, publicJwk, privateDer: privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

function publicMembers(key: KeyObject): Record<string, string> {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'EC') return { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
  return { kty: 'RSA', n: jwk.n!, e: jwk.e! };
}

/** RFC 7638: SHA-256 of the required members in lexicographic order, base64url. */
function thumbprint(jwk: Record<string, string>): string {
  const required = jwk['kty'] === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'];
  const canonical = JSON.stringify(Object.fromEntries(required.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}
