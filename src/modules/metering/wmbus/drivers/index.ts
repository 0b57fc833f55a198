import type { Driver } from '../driver-api.ts';

/** The manufacturer-specific drivers, tried in order after the generic records are read. */
export const drivers: Driver[] = [];
