/**
 * The payments module's exported functions take either the database (they
 * open their own transaction in the utility) or a transaction the caller
 * already holds (then the work is part of it).
 */
import type { Db } from '../../../db/connection.ts';
import { withTenant, type Tx } from '../../../db/tenant.ts';

export function inUtility<T>(db: Db | Tx, utilityId: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ((db as Tx).isTransaction) return fn(db as Tx);
  return withTenant(db as Db, { utilityId }, fn);
}
