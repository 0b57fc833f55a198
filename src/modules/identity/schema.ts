/** Request and response schemas of identity's routes (TypeBox). */
import { Type } from 'typebox';

const Email = Type.String({ minLength: 1, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 1000 });
export const Id = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
export const Next = Type.Union([Type.Literal('done'), Type.Literal('totp'), Type.Literal('change_password')]);

export const SessionUser = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('customer'), Type.Literal('staff')]),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  customerIds: Type.Array(Type.Integer()),
  mustChangePassword: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  mfaPending: Type.Boolean(),
  /** A portal user who must accept a new version of the portal terms before anything else. */
  termsToAccept: Type.Optional(Type.Boolean()),
});

export const SessionResponse = Type.Object({ user: Type.Union([SessionUser, Type.Null()]) });
export const UserNext = Type.Object({ user: SessionUser, next: Next });

export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const TotpBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 12 }) }, { additionalProperties: false });
export const TokenBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const ResetRequestBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetConfirmBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false });
export const PasswordChangeBody = Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false });

export const RegisterBody = Type.Object(
  {
    customerNumber: Type.String({ minLength: 1, maxLength: 40 }),
    activationCode: Type.String({ minLength: 1, maxLength: 40 }),
    email: Email,
    password: Password,
    acceptTerms: Type.Boolean(),
    termsVersionId: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export const Status = Type.Object({ status: Type.String() });

export const TermsQuery = Type.Object(
  { kind: Type.Optional(Type.Union([Type.Literal('portal'), Type.Literal('einvoice')])) },
  { additionalProperties: false },
);
export const Terms = Type.Object({ id: Type.Integer(), kind: Type.String(), version: Type.String(), title: Type.String(), body: Type.String() });

export const TotpSetup = Type.Object({ otpauthUrl: Type.String(), qrSvg: Type.String() });

const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('customer_service'),
  Type.Literal('billing'),
  Type.Literal('meter_reader'),
  Type.Literal('auditor'),
]);
export const StaffUserBody = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    roles: Type.Array(Role, { minItems: 1, maxItems: 5 }),
    password: Password,
  },
  { additionalProperties: false },
);
export const StaffUserChange = Type.Object(
  {
    roles: Type.Optional(Type.Array(Role, { minItems: 1, maxItems: 5 })),
    disabled: Type.Optional(Type.Boolean()),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const StaffUser = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  mustChangePassword: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
});
export const StaffUsers = Type.Object({ items: Type.Array(StaffUser) });
export const Created = Type.Object({ id: Type.Integer() });

export const PortalUserBody = Type.Object(
  {
    email: Email,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export const PortalUserCreated = Type.Object({ userId: Type.Integer(), created: Type.Boolean() });
export const LetterBody = Type.Object({}, { additionalProperties: false });
export const CustomerParams = Type.Object({ customerId: Id });
export const UserParams = Type.Object({ userId: Id });
