import { Type } from 'typebox';
import { utilityOf, type App, type AppDeps } from '../../http/context.ts';
import { publicUtility } from './service.ts';

const PublicUtility = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  shortName: Type.String(),
  street: Type.String(),
  postalCode: Type.String(),
  city: Type.String(),
  nip: Type.Union([Type.String(), Type.Null()]),
  regon: Type.Union([Type.String(), Type.Null()]),
  phone: Type.String(),
  email: Type.String(),
  website: Type.String(),
  primaryColor: Type.String(),
  accentColor: Type.String(),
  logoSvg: Type.Union([Type.String(), Type.Null()]),
  complaintDeadlineDays: Type.Integer(),
});

export async function routes(app: App, _deps: AppDeps) {
  app.get(
    '/api/utility',
    {
      config: { access: 'public' },
      schema: { tags: ['utility'], summary: "The utility's public data (branding, address)", response: { 200: PublicUtility } },
    },
    async (req) => publicUtility(utilityOf(req)),
  );
}
