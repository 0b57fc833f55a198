/**
 * The `wodnik` command. Each command's work lives in its module; this file
 * only declares the commands and their options (lazily importing the module,
 * so `wodnik wmbus decode` does not load the database or the web server).
 */
import { Command, CommanderError } from 'commander';

const program = new Command();
program
  .name('wodnik')
  .description('Wodnik: customer portal, billing and remote meter reading for water utilities')
  .showHelpAfterError(false)
  .exitOverride();

program
  .command('serve')
  .description('start the HTTP server (API and web app) and the background jobs')
  .option('--port <port>', 'TCP port (default: PORT or 3000)')
  .option('--build-web', 'build the web app first when its sources are newer than dist/web')
  .option('--no-seed', 'do not load demo data into an empty database')
  .action(async (opts) => (await import('./commands/serve.ts')).serve(opts));

program
  .command('migrate')
  .description('apply the database migrations (DATABASE_URL, else the embedded database)')
  .action(async () => (await import('./commands/migrate.ts')).migrate());

program
  .command('seed')
  .description('load demo data: utilities, customers, contracts, meters, readings, tariffs, cases, notices')
  .option('--customers <n>', 'number of customers to create', '500')
  .option('--utility <slug>', 'utility to add the customers to (created when missing)')
  .action(async (opts) => (await import('./commands/seed.ts')).seed(opts));

const wmbus = program.command('wmbus').description('Wireless M-Bus tools');
wmbus
  .command('decode')
  .description('decode telegrams given as hex arguments, or one per line on standard input; prints one JSON object per telegram')
  .option('--key <hex>', 'AES-128 key (32 hex digits) for every telegram')
  .option('--keys <file>', 'CSV of id,key (meter id as printed, 32 hex digits); header optional')
  .argument('[hex...]', 'telegrams in hex, from the L field')
  .action(async (hex: string[], opts) => (await import('./modules/metering/wmbus/cli.ts')).decodeCommand(hex, opts));

const readings = program.command('readings').description('meter readings');
readings
  .command('import')
  .description('import a walk-by file (hex lines, rtl_wmbus lines or a wmbusmeters telegram log) into readings')
  .argument('<file>', 'the file to import ("-" for standard input)')
  .option('--utility <slug>', 'utility the file belongs to (default: the only or the demo utility)')
  .option('--source <name>', 'name of the collecting device or session', 'walk-by')
  .action(async (file: string, opts) => (await import('./modules/metering/ingest/cli.ts')).importCommand(file, opts));

const keys = program.command('keys').description('radio module AES keys');
keys
  .command('import')
  .description("import a manufacturer's key delivery file (CSV of radio id and key)")
  .argument('<file>', 'CSV file')
  .option('--utility <slug>', 'utility the modules belong to')
  .action(async (file: string, opts) => (await import('./modules/metering/ingest/cli.ts')).keysImportCommand(file, opts));

const billing = program.command('billing').description('billing: runs, and the engine on one contract');
billing
  .command('simulate')
  .description('the billing engine on one contract described in a JSON file ("-" for standard input); prints the bill as JSON, no database')
  .argument('<file>', 'the JSON document: period, services, delivery, tariffs, meters')
  .option('--basis', "also print each meter's opening and closing reading (the reading basis)")
  .action(async (file: string, opts) => (await import('./commands/billing-simulate.ts')).simulateCommand(file, opts));

billing
  .command('run')
  .description('bill a period: preview the run (totals, held contracts, warnings), or preview, approve and issue it (--issue resumes an unfinished run of the same period)')
  .requiredOption('--utility <slug>', 'the utility')
  .requiredOption('--period <months>', 'YYYY-MM or YYYY-MM..YYYY-MM')
  .option('--cycle <cycle>', 'only contracts of this billing cycle: monthly, bimonthly, quarterly, halfyearly')
  .option('--preview', 'only preview (the default)')
  .option('--issue', 'preview, approve and issue the invoices')
  .option('--batch-size <n>', 'invoices per issuing transaction (default 500)')
  .action(async (opts) => (await import('./commands/billing-run.ts')).billingRunCommand(opts));

const invoice = program.command('invoice').description('issued invoices and corrections');
invoice
  .command('list')
  .description('one invoice number per line, a tab, its kind (household, business, community, estimate, correction)')
  .requiredOption('--utility <slug>', 'the utility')
  .option('--period <months>', 'invoices whose sale period overlaps YYYY-MM or YYYY-MM..YYYY-MM')
  .option('--kind <kind>', 'household, business, community, estimate or correction')
  .action(async (opts) => (await import('./commands/billing-run.ts')).invoiceListCommand(opts));
invoice
  .command('xml')
  .description('print the stored KSeF FA(3) XML of an invoice, byte for byte')
  .argument('<number>', 'the invoice number, e.g. FV/2026/12/000123')
  .requiredOption('--utility <slug>', 'the utility')
  .action(async (number: string, opts) => (await import('./commands/billing-run.ts')).invoiceXmlCommand(number, opts));
invoice
  .command('pdf')
  .description("the invoice's PDF (made and stored on first use, then always the same bytes) to standard output")
  .argument('<number>', 'the invoice number, e.g. FV/2026/12/000123')
  .option('--utility <slug>', 'the utility that issued it')
  .action(async (number: string, opts) => (await import('./modules/billing/pdf/cli.ts')).invoicePdfCommand(number, opts));
invoice
  .command('print-batch')
  .description('one PDF of the paper invoices issued on a day, in route and address order, to standard output')
  .option('--utility <slug>', 'the utility that issued them')
  .option('--issued <date>', 'the issue date, YYYY-MM-DD')
  .action(async (opts) => (await import('./modules/billing/pdf/cli.ts')).printBatchCommand(opts));

const payments = program.command('payments').description('payments: bank statements');
payments
  .command('parse')
  .description('read a bank statement file (MT940 in the Polish dialects and encodings, or camt.053 XML) without a database; prints one JSON object per statement line')
  .argument('<file>', 'the statement file ("-" for standard input)')
  .option('--dialect <dialect>', "the bank profile's :86: dialect where the file does not tell: numbered, numbered~, numbered^, numbered<, numbered+, mbank, plain")
  .option('--encoding <encoding>', 'the encoding instead of detecting it: windows-1250, cp852, iso-8859-2, utf-8')
  .action(async (file: string, opts) => (await import('./modules/payments/statements/cli.ts')).parseCommand(file, opts));
payments
  .command('import')
  .description('import a bank statement file (MT940 or camt.053) into a utility: match, allocate, report per statement')
  .argument('<file>', 'the statement file')
  .requiredOption('--utility <slug>', 'the utility whose statement it is')
  .option('--dialect <dialect>', "the bank profile's :86: dialect where the file does not tell")
  .action(async (file: string, opts) => (await import('./modules/payments/import/cli.ts')).importCommand(file, opts));

// --- KSeF (issue 16) ---
const ksef = program.command('ksef').description('KSeF, the national e-invoice system: check the sign-in, send invoices, states, UPO');
ksef
  .command('check')
  .description('sign in to KSeF with the stored token or certificate and print what KSeF answered')
  .requiredOption('--utility <slug>', 'the utility')
  .action(async (opts) => (await import('./modules/ksef/cli.ts')).checkCommand(opts));
ksef
  .command('send')
  .description('queue invoices for KSeF and send them now (a run in batch sessions, one invoice interactively, else all not yet sent)')
  .requiredOption('--utility <slug>', 'the utility')
  .option('--invoice <number>', 'one invoice, e.g. FV/2026/12/000123')
  .option('--run <id>', 'the invoices of a billing run')
  .action(async (opts) => (await import('./modules/ksef/cli.ts')).sendCommand(opts));
ksef
  .command('status')
  .description("the utility's invoices by KSeF state and its recent KSeF sessions, as JSON")
  .requiredOption('--utility <slug>', 'the utility')
  .action(async (opts) => (await import('./modules/ksef/cli.ts')).statusCommand(opts));
ksef
  .command('upo')
  .description("an accepted invoice's UPO (KSeF's receipt) to standard output")
  .argument('<number>', 'the invoice number')
  .requiredOption('--utility <slug>', 'the utility')
  .action(async (number: string, opts) => (await import('./modules/ksef/cli.ts')).upoCommand(number, opts));
// --- end of KSeF ---

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed as one line.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  const e = err as { code?: string; message?: string };
  console.error(`wodnik: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`);
  process.exit(1);
}
