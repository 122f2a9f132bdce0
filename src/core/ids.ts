import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';

/** Job ids are UUIDv7: unique across machines and roughly time-ordered, which keeps B-tree inserts local. */
export function newJobId(): string {
  return uuidv7();
}

/** A lease token fences a worker's writes; 128 random bits make a stale worker's guess impossible. */
export function newLeaseToken(): string {
  return randomBytes(16).toString('base64url');
}

export function newWorkerId(prefix = 'w'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
