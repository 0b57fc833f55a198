/**
 * What a route needs from the request beyond Fastify itself: its utility, its
 * user, and a transaction in its tenant. Kept apart from the app builder so
 * that routes do not import `app.ts` (which imports every module's routes):
 * `app.ts` → `modules.ts` → `routes.ts` → `context.ts`, no circle.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.ts';
import type { Database } from '../db/connection.ts';
import { withTenant, type Tx } from '../db/tenant.ts';
import { forbidden, notFound } from '../lib/errors.ts';
import type { AuthUser } from './access.ts';
import type { Utility } from '../modules/utilities/service.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  /** Where the log lines go (tests read them); standard output when absent. */
  logStream?: { write(line: string): void };
}

export type App = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/** The request's utility; every tenant route calls this (404 when none could be resolved). */
export function utilityOf(req: FastifyRequest): Utility {
  if (!req.utility) throw notFound('tenant.not_found', 'Nie znaleziono przedsiębiorstwa.', 'No utility was found for this address.');
  return req.utility;
}

/**
 * Where the session cookie lives: under /t/<slug> when the utility came from
 * the path prefix (development, path-based hosting), so that signing in to one
 * utility in a browser does not sign the user out of another; else '/'.
 */
export function sessionCookiePath(req: FastifyRequest): string {
  const slug = (req.raw as { wodnikSlug?: string }).wodnikSlug;
  return slug ? `/t/${slug}` : '/';
}

export function userOf(req: FastifyRequest): AuthUser {
  if (!req.user) throw forbidden();
  return req.user;
}

/** Runs a request's work in one transaction in its utility, as its user. */
export function inTenant<T>(app: App, req: FastifyRequest, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const deps = (app as unknown as { deps: AppDeps }).deps;
  return withTenant(deps.database.db, { utilityId: utilityOf(req).id, userId: req.user?.id }, fn);
}
