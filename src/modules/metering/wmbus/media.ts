/**
 * Device type (A field, EN 13757-7 / OMS) → media name, in the wording
 * wmbusmeters prints so that outputs compare. Types without a name here (and
 * manufacturer-specific ones, which drivers name) are 'unknown'.
 */
const names: Record<number, string> = {
  0x00: 'other', 0x01: 'oil', 0x02: 'electricity', 0x03: 'gas', 0x04: 'heat', 0x05: 'steam',
  0x06: 'warm water', 0x07: 'water', 0x08: 'heat cost allocation', 0x09: 'compressed air',
  0x0a: 'cooling load volume at outlet', 0x0b: 'cooling load volume at inlet', 0x0c: 'heat volume at inlet',
  0x0d: 'heat/cooling load', 0x0e: 'bus/system component', 0x0f: 'unknown',
  0x15: 'hot water', 0x16: 'cold water', 0x17: 'hot/cold water', 0x18: 'pressure',
  0x19: 'a/d converter', 0x1a: 'smoke detector', 0x1b: 'room sensor', 0x1c: 'gas detector',
  0x20: 'breaker', 0x21: 'valve', 0x25: 'customer unit (display device)', 0x28: 'waste water', 0x29: 'garbage',
  0x36: 'radio converter (system side)', 0x37: 'radio converter (meter side)',
};

/** Codes the standard lists as reserved. */
const reserved = new Set([0x1d, 0x1f, 0x22, 0x23, 0x24, 0x26, 0x27, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f]);

export function mediaName(deviceType: number): string {
  return names[deviceType] ?? (reserved.has(deviceType) ? 'reserved' : 'unknown');
}

/** True for the device types of water meters (what Wodnik bills). */
export function isWaterMeter(deviceType: number): boolean {
  return deviceType === 0x06 || deviceType === 0x07 || deviceType === 0x15 || deviceType === 0x16 || deviceType === 0x17 || deviceType === 0x28;
}
