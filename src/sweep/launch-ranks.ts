// Starting a multi-process entry on this machine the way torchrun does: N copies of the same command, each with
// WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT in its environment, joining one group.
import { spawn } from 'child_process';
import * as net from 'net';

/** The torchrun variables of each of `nproc` local ranks. */
export function rankEnvironments(nproc: number, port: number, addr = '127.0.0.1'): Record<string, string>[] {
  return Array.from({ length: nproc }, (_, r) => ({
    WORLD_SIZE: String(nproc),
    RANK: String(r),
    LOCAL_RANK: String(r),
    LOCAL_WORLD_SIZE: String(nproc),
    MASTER_ADDR: addr,
    MASTER_PORT: String(port),
  }));
}

/** A TCP port free on the loopback interface right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs `argv` as `nproc` local ranks (`threads` CPU threads each) and resolves with the exit code of the first rank to fail, or 0;
 * when one rank fails the others are stopped.
 */
export async function launchRanks(argv: string[], nproc: number, threads: number): Promise<number> {
  const port = await freePort();
  const children = rankEnvironments(nproc, port).map((env) =>
    spawn(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, ...env, CFA_NUM_THREADS: String(threads) } }),
  );
  let first = 0;
  await Promise.all(
    children.map(
      (c, r) =>
        new Promise<number>((resolve) => {
          c.on('exit', (code, signal) => {
            const status = code ?? (signal ? 128 : 1);
            if (status !== 0 && first === 0) {
              first = status;
              process.stderr.write(`rank ${r} exited with ${signal ?? `code ${code}`}\n`);
              for (const o of children) if (o !== c && o.exitCode === null) o.kill('SIGTERM');
            }
            resolve(status);
          });
        }),
    ),
  );
  return first;
}
