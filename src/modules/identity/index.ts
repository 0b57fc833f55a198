/**
 * What other modules (and the demo data) use of identity.
 */
export { hashPassword, verifyPassword, checkPasswordPolicy } from './passwords.ts';
export {
  issueActivationCode,
  issueActivation,
  newActivationCode,
  hashActivationCode,
  normalizeActivationCode,
  ACTIVATION_VALID_DAYS,
} from './activation.ts';
export { createStaffUser, createPortalUser, linkCustomer, normalizeEmail, type NewStaffUser, type NewPortalUser } from './users.ts';
export { recordAudit, type AuditEntry } from './audit.ts';
