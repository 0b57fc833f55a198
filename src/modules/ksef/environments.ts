/**
 * KSeF's public environments (../shared/ksef/docs/srodowiska.md) and the API
 * base address of each. The QR service addresses live with the PDF
 * (src/modules/billing/pdf/ksef-qr.ts), which names production "prod".
 */
export const KSEF_ENVIRONMENTS = ['test', 'demo', 'production'] as const;
export type KsefEnv = (typeof KSEF_ENVIRONMENTS)[number];

export const KSEF_API_BASE: Record<KsefEnv, string> = {
  test: 'https://api-test.ksef.mf.gov.pl/v2',
  demo: 'https://api-demo.ksef.mf.gov.pl/v2',
  production: 'https://api.ksef.mf.gov.pl/v2',
};

/** The QR environment name of ksef-qr.ts for a KSeF environment. */
export function qrEnvironment(env: KsefEnv): 'test' | 'demo' | 'prod' {
  return env === 'production' ? 'prod' : env;
}
