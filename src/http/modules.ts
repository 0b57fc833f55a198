/**
 * Where every module's routes are registered. A module exports one function
 * `routes(app, deps)`; adding a module is one line here.
 */
import type { App, AppDeps } from './app.ts';
import { routes as utilityRoutes } from '../modules/utilities/routes.ts';

export async function registerModules(app: App, deps: AppDeps): Promise<void> {
  await utilityRoutes(app, deps);
}
