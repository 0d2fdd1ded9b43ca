import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HeaderValue, simpleParser } from 'mailparser';

export interface SunkMail {
  /** The .eml file's name (they sort oldest first). */
  file: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Every header field, names in lower case, values decoded (addresses as text, dates as ISO). */
  headers: Record<string, string>;
}

/** Parses the .eml files the file mail transport wrote into `dir`, oldest first; none if `dir` does not exist. */
export async function readMailSink(dir: string): Promise<SunkMail[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => file.endsWith('.eml')).sort();
  return Promise.all(files.map((file) => readMailFile(dir, file)));
}

/** Parses one .eml file of the sink. */
export async function readMailFile(dir: string, file: string): Promise<SunkMail> {
  const parsed = await simpleParser(await readFile(join(dir, file)));
  const headers = Object.fromEntries([...parsed.headers].map(([name, value]) => [name, headerText(value)]));
  return { file, to: headers.to ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '', html: parsed.html || '', headers };
}

function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => headerText(item as HeaderValue)).join(', ');
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('value' in value && typeof value.value === 'string') return value.value;
  return JSON.stringify(value);
}
