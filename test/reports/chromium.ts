// Opens a page in headless Chromium (Debian package `chromium`) through the DevTools protocol over
// --remote-debugging-pipe, with plain child_process: collects console errors, uncaught exceptions and failed loads,
// evaluates an expression in the page and takes a screenshot.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import { Readable, Writable } from 'stream';
import { tempDir } from '../helpers/temp-dir';

export interface PageResult {
  /** Console errors, uncaught exceptions and browser log errors (e.g. failed resource loads). */
  errors: string[];
  /** The value of the evaluated expression. */
  value: unknown;
  screenshot: Buffer;
}

/** The chromium executable (CHROMIUM env var, else the first of chromium / chromium-browser on PATH). */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
}

export async function openPage(url: string, expression: string, width = 1200, height = 1600, timeoutMs = 45000): Promise<PageResult> {
  const exe = findChromium();
  if (!exe) throw new Error('chromium not found: install the Debian package chromium (apt-get install -y chromium)');
  const profile = tempDir('cfa-chromium-');
  const child = spawn(
    exe,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-extensions', `--user-data-dir=${profile}`,
      '--remote-debugging-pipe', `--window-size=${width},${height}`, 'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Record<string, unknown>) => void)[] = [];
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end)) as Record<string, unknown>;
      buffer = buffer.slice(end + 1);
      const id = msg.id as number | undefined;
      if (id !== undefined && pending.has(id)) {
        const p = pending.get(id)!;
        pending.delete(id);
        if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
        else p.resolve((msg.result ?? {}) as Record<string, unknown>);
      } else listeners.forEach((l) => l(msg));
    }
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let failLoad: (e: Error) => void = () => undefined;
  child.on('exit', (code, signal) => {
    const e = new Error(`chromium exited (${signal ?? code}) before the page was done`);
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    failLoad(e);
  });
  try {
    const { targetInfos } = (await send('Target.getTargets')) as { targetInfos: { targetId: string; type: string }[] };
    const page = targetInfos.find((t) => t.type === 'page');
    if (!page) throw new Error('chromium opened no page');
    const { sessionId } = (await send('Target.attachToTarget', { targetId: page.targetId, flatten: true })) as { sessionId: string };
    const errors: string[] = [];
    let loaded: () => void = () => undefined;
    const load = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      failLoad = reject;
    });
    listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params as Record<string, any>;
      if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) {
        errors.push(`console.${p.type}: ${p.args.map((a: { value?: unknown; description?: string }) => a.value ?? a.description).join(' ')}`);
      } else if (m.method === 'Runtime.exceptionThrown') errors.push(`exception: ${p.exceptionDetails.exception?.description ?? p.exceptionDetails.text}`);
      else if (m.method === 'Log.entryAdded' && p.entry.level === 'error') errors.push(`log: ${p.entry.text} ${p.entry.url ?? ''}`.trim());
      else if (m.method === 'Page.loadEventFired') loaded();
    });
    for (const domain of ['Runtime.enable', 'Log.enable', 'Page.enable']) await send(domain, {}, sessionId);
    await send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
    await send('Page.navigate', { url }, sessionId);
    await load;
    // Late console messages and failed loads arrive within a few event-loop turns after the load event.
    await new Promise((r) => setTimeout(r, 300));
    const evaluated = (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as { result: { value: unknown } };
    const shot = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
    send('Browser.close').catch(() => undefined);
    return { errors, value: evaluated.result.value, screenshot: Buffer.from(shot.data, 'base64') };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) {
      await new Promise<void>((r) => {
        child.once('exit', () => r());
        setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
      });
    }
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
