/** Device type (EN 13757-7 / OMS) → the media name wmbusmeters and the back office use. */
const names: Record<number, string> = {
  0x00: 'other', 0x01: 'oil', 0x02: 'electricity', 0x03: 'gas', 0x04: 'heat', 0x05: 'steam',
  0x06: 'warm water', 0x07: 'water', 0x08: 'heat cost allocation', 0x09: 'compressed air',
  0x0a: 'cooling load volume at outlet', 0x0b: 'cooling load volume at inlet', 0x0c: 'heat volume at inlet',
  0x0d: 'heat/cooling load', 0x0e: 'bus/system component', 0x0f: 'unknown', 0x10: 'irrigation water',
  0x11: 'water data logger', 0x12: 'gas data logger', 0x13: 'gas converter', 0x14: 'calorific value',
  0x15: 'hot water', 0x16: 'cold water', 0x17: 'dual register (hot/cold) water', 0x18: 'pressure',
  0x19: 'a/d converter', 0x1a: 'smoke detector', 0x1b: 'room sensor', 0x1c: 'gas detector',
  0x20: 'breaker', 0x21: 'valve', 0x25: 'customer unit', 0x28: 'waste water', 0x29: 'garbage',
  0x31: 'communication controller', 0x32: 'unidirectional repeater', 0x33: 'bidirectional repeater',
  0x36: 'radio converter (system side)', 0x37: 'radio converter (meter side)',
};

export function mediaName(deviceType: number): string {
  return names[deviceType] ?? 'reserved';
}

/** True for the device types of water meters (what Wodnik bills). */
export function isWaterMeter(deviceType: number): boolean {
  return deviceType === 0x06 || deviceType === 0x07 || deviceType === 0x15 || deviceType === 0x16 || deviceType === 0x17 || deviceType === 0x28;
}
