// `cfa report` (being written).
import { UserError } from '../errors';

export const summary = 'report (not available yet)';

export async function run(_argv: string[]): Promise<number> {
  throw new UserError('cfa report is not available in this build yet');
}
