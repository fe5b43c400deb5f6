// `cfa`: one entry point, one subcommand per job. User errors print their message only; other errors print a
// one-line summary (CFA_DEBUG=1 shows the stack).
import { UserError } from '../errors';

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

const commands: Record<string, () => Command> = {
  train: () => require('./train'),
  eval: () => require('./eval'),
  toy: () => require('./toy'),
  report: () => require('./report'),
  sweep: () => require('./sweep'),
};

function version(): string {
  return (require('../../../package.json') as { version: string }).version;
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, load]) => `  ${name.padEnd(8)} ${load().summary}`);
  return [`cfa ${version()}: class-wise calibrated fair adversarial training`, '', 'usage: cfa <command> [options]', '', ...lines, '', 'cfa <command> --help shows the options of a command.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === '--version' || cmd === '-v') {
      console.log(version());
      return 0;
    }
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      console.log(usage());
      return 0;
    }
    const load = commands[cmd];
    if (!load) {
      console.error(`cfa: unknown command '${cmd}'\n\n${usage()}`);
      return 2;
    }
    return await load().run(rest);
  } catch (e) {
    if (e instanceof UserError) {
      console.error(`cfa ${cmd}: ${e.message}`);
      return 2;
    }
    const err = e as Error;
    console.error(`cfa ${cmd}: ${err?.message ?? String(e)}`);
    if (process.env.CFA_DEBUG) console.error(err?.stack);
    return 1;
  }
}
