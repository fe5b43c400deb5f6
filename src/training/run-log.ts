// RUN_DIR/log.jsonl: one EpochRecord per completed epoch. On resume it is made to agree with the saved state.
import * as fs from 'fs';
import * as path from 'path';
import { appendLineSync, EpochRecord, writeFileAtomic } from '../formats';

export function logFile(runDir: string): string {
  return path.join(runDir, 'log.jsonl');
}

/** The records of log.jsonl in order; an unparseable line (a write cut short) ends the list. */
export function readLog(runDir: string): EpochRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(logFile(runDir), 'utf8');
  } catch {
    return [];
  }
  const out: EpochRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as EpochRecord);
    } catch {
      break;
    }
  }
  return out;
}

export function appendRecord(runDir: string, record: EpochRecord): void {
  appendLineSync(logFile(runDir), JSON.stringify(record));
}

/**
 * Makes log.jsonl hold exactly the records of epochs 0..lastEpoch: later or damaged lines are dropped and the record
 * of lastEpoch is added from the state when the run stopped before appending it. Rewritten atomically if needed.
 */
export function reconcileLog(runDir: string, lastEpoch: number, lastRecord: EpochRecord): EpochRecord[] {
  const records = readLog(runDir).filter((r) => r.epoch <= lastEpoch);
  if (!records.length || records[records.length - 1].epoch < lastEpoch) records.push(lastRecord);
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  let current = '';
  try {
    current = fs.readFileSync(logFile(runDir), 'utf8');
  } catch {
    // absent: written below
  }
  if (current !== text) writeFileAtomic(logFile(runDir), text);
  return records;
}
