// Hash helpers shared by the tests.
import { createHash } from 'node:crypto';

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const sha256b64 = (b: Buffer | string): string => createHash('sha256').update(b).digest('base64');
export const md5 = (b: Buffer | string, enc: 'hex' | 'base64' = 'hex'): string =>
  createHash('md5').update(b).digest(enc);
