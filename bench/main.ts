// `npm run bench -- <suite> [--json] [--quick]`: suites engine, data, attacks, train, ddp (or all). With --json the last
// line printed is the suite's result as JSON.
import * as path from 'path';

const SUITES = ['engine', 'data', 'attacks', 'train', 'ddp'] as const;

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  const chosen = names.length === 0 || names.includes('all') ? [...SUITES] : names;
  const unknown = chosen.filter((n) => !(SUITES as readonly string[]).includes(n));
  if (unknown.length) {
    console.error(`bench: unknown suite ${unknown.join(', ')} (expected ${SUITES.join(', ')} or all)`);
    return 2;
  }
  const results: Record<string, unknown> = {};
  for (const name of chosen) {
    const mod = require(path.join(__dirname, name)) as { run: (o: { json: boolean; quick: boolean }) => Promise<Record<string, unknown>> };
    results[name] = await mod.run({ json, quick });
  }
  if (json) console.log(JSON.stringify(chosen.length === 1 ? results[chosen[0]] : results));
  return 0;
}

main(process.argv.slice(2)).then((c) => process.exit(c), (e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
