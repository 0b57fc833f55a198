/** A document the engine cannot bill: a stable code, where in the document, and why (Polish and English). */
import { AppError } from '../../../lib/errors.ts';

export class BillingInputError extends AppError {
  constructor(code: string, readonly path: string, pl: string, en: string) {
    super('bad_request', code, { pl: `${path}: ${pl}`, en: `${path}: ${en}` }, { path });
  }
}
