/** The billing module's HTTP routes in one registration (one line in src/http/modules.ts): runs and tariffs. */
export { routes } from './routes.ts';
export { routes as tariffRoutes } from '../tariffs/routes.ts';
