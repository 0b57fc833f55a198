/** Schemas of the customer-account routes (only declared fields leave). */
import { Type } from 'typebox';

export const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CustomerParams = Type.Object({ customerId: Id }, { additionalProperties: false });
export const PortalUserParams = Type.Object({ customerId: Id, userId: Id }, { additionalProperties: false });

export const AccountData = Type.Object({
  id: Type.Integer(),
  customerNumber: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  address: Type.String(),
  correspondenceAddress: Nullable(Type.String({ description: 'null: the same as the address' })),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  nip: Nullable(Type.String()),
  pesel: Nullable(Type.String()),
  regon: Nullable(Type.String()),
  invoiceDelivery: Type.String({ description: 'paper | einvoice' }),
  einvoiceEmail: Nullable(Type.String()),
  paymentAccount: Nullable(Type.String()),
  updatedAt: Type.String(),
});

export const CloseBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const Status = Type.Object({ status: Type.String() });

export const StaffAccount = Type.Object({
  portalUsers: Type.Array(
    Type.Object({
      id: Type.Integer(),
      email: Type.String(),
      name: Type.String(),
      verified: Type.Boolean(),
      locked: Type.Boolean(),
      mustChangePassword: Type.Boolean(),
      lastLoginAt: Nullable(Type.String()),
      createdAt: Type.String(),
      customerCount: Type.Integer({ description: 'how many customers this login acts for' }),
    }),
  ),
  termsAcceptances: Type.Array(Type.Object({ kind: Type.String(), version: Type.String(), acceptedAt: Type.String(), userId: Nullable(Type.Integer()) })),
  einvoiceConsents: Type.Array(Type.Object({ email: Nullable(Type.String()), grantedAt: Type.String(), effectiveFrom: Type.String(), withdrawnAt: Nullable(Type.String()) })),
});
