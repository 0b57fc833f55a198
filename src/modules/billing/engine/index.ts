/**
 * The billing engine (issue 14, item 2): pure, no database, no clock.
 * `bill(input)` on checked input; `simulate(document)` on the JSON document
 * of `wodnik billing simulate`, giving its JSON answer.
 */
import { bill } from './bill.ts';
import { parseBillingInput } from './input.ts';
import { billJson } from './output.ts';

export { bill } from './bill.ts';
export { billDifference } from './difference.ts';
export { BillingInputError } from './errors.ts';
export { parseBillingInput } from './input.ts';
export { billJson } from './output.ts';
export type * from './types.ts';

export function simulate(document: unknown, options: { basis?: boolean } = {}) {
  return billJson(bill(parseBillingInput(document)), options.basis);
}
