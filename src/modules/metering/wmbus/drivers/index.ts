import type { Driver } from '../driver-api.ts';
import { apatorStatusDrivers } from './apator-status.ts';
import { apatorDrivers } from './apator.ts';
import { bmetersDrivers } from './bmeters.ts';
import { diehlDrivers } from './diehl.ts';
import { gwfDrivers } from './gwf.ts';
import { kamstrupDrivers } from './kamstrup.ts';
import { qundisDrivers } from './qundis.ts';
import { techemDrivers } from './techem.ts';
import { zennerDrivers } from './zenner.ts';

/**
 * The manufacturer-specific drivers, tried in order after the generic records are read.
 * Every `match` tests the manufacturer code (a string compare) before anything else, so a
 * telegram costs a few comparisons per driver.
 */
export const drivers: Driver[] = [
  ...apatorDrivers,
  ...apatorStatusDrivers,
  ...diehlDrivers,
  ...kamstrupDrivers,
  ...bmetersDrivers,
  ...qundisDrivers,
  ...techemDrivers,
  ...zennerDrivers,
  ...gwfDrivers,
];
