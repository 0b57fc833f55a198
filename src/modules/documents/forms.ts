/**
 * Forms to download (druki, wnioski): staff upload a PDF, DOCX or ODT file
 * under a category, publish it, and withdraw it when it is out of date; the
 * public page and the portal list the published ones. Files live in the
 * `files` table like every other stored file.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { asBuffer } from '../../db/bytea.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { CONTENT_TYPES, formFileKind } from './file-kind.ts';

export const FORM_CATEGORIES = ['contracts', 'billing', 'meters', 'complaints', 'other'] as const;
export type FormCategory = (typeof FORM_CATEGORIES)[number];

export interface NewForm {
  category: string;
  title: string;
  description: string;
  fileName: string;
  bytes: Uint8Array;
  publish: boolean;
}

export async function addForm(tx: Tx, utilityId: number, userId: number | null, f: NewForm): Promise<number> {
  if (!(FORM_CATEGORIES as readonly string[]).includes(f.category)) {
    throw badRequest('forms.category_unknown', 'Nieznana kategoria formularza.', 'Unknown form category.', { field: 'category' });
  }
  const title = f.title.trim();
  if (!title || title.length > 200) throw badRequest('forms.title_required', 'Prosimy podać tytuł formularza (do 200 znaków).', 'Give the form a title (up to 200 characters).', { field: 'title' });
  if (f.description.length > 2000) throw badRequest('forms.description_too_long', 'Opis może mieć do 2000 znaków.', 'The description may have up to 2000 characters.', { field: 'description' });
  const kind = formFileKind(f.bytes, f.fileName);
  if (!kind) {
    throw badRequest('forms.file_type', 'Formularz musi być plikiem PDF, DOCX lub ODT.', 'A form must be a PDF, DOCX or ODT file.', { field: 'file' });
  }
  const name = f.fileName.replace(/[\\/]/g, '_').slice(-150);
  const file = await tx
    .insertInto('files')
    .values({
      utility_id: utilityId,
      name,
      content_type: CONTENT_TYPES[kind],
      size_bytes: f.bytes.byteLength,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
      data: f.bytes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const doc = await tx
    .insertInto('documents')
    .values({
      utility_id: utilityId,
      category: f.category,
      title,
      description: f.description.trim(),
      file_id: file.id,
      created_by: userId,
      published_at: f.publish ? sql<Date>`now()` : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return doc.id;
}

function formsQuery(tx: Tx) {
  return tx
    .selectFrom('documents as d')
    .innerJoin('files as f', 'f.id', 'd.file_id')
    .select(['d.id', 'd.category', 'd.title', 'd.description', 'd.published_at', 'd.created_at', 'f.name', 'f.content_type', 'f.size_bytes'])
    .orderBy('d.category')
    .orderBy('d.title')
    .orderBy('d.id');
}

type FormRow = { id: number; category: string; title: string; description: string; published_at: Date | string | null; created_at: Date | string; name: string; content_type: string; size_bytes: number };
const view = (r: FormRow) => ({
  id: r.id,
  category: r.category,
  title: r.title,
  description: r.description,
  fileName: r.name,
  contentType: r.content_type,
  sizeBytes: Number(r.size_bytes),
  publishedAt: r.published_at === null ? null : new Date(r.published_at).toISOString(),
});

export async function publishedForms(tx: Tx) {
  return { items: (await formsQuery(tx).where('d.published_at', 'is not', null).execute()).map(view) };
}

export async function allForms(tx: Tx) {
  return { items: (await formsQuery(tx).execute()).map(view) };
}

export async function setPublished(tx: Tx, id: number, publish: boolean): Promise<void> {
  const d = await tx.selectFrom('documents').select(['id', 'published_at']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!d) throw notFound('forms.not_found', 'Nie znaleziono formularza.', 'No such form.');
  if (publish && d.published_at) throw conflict('forms.already_published', 'Formularz jest już opublikowany.', 'The form is already published.');
  if (!publish && !d.published_at) throw conflict('forms.not_published', 'Formularz nie jest opublikowany.', 'The form is not published.');
  await tx.updateTable('documents').set({ published_at: publish ? sql<Date>`now()` : null }).where('id', '=', id).execute();
}

/** A form's file; `publishedOnly` for the public download (a withdrawn form is 404 there). */
export async function formFile(tx: Tx, id: number, publishedOnly: boolean) {
  let q = tx
    .selectFrom('documents as d')
    .innerJoin('files as f', 'f.id', 'd.file_id')
    .select(['f.name', 'f.content_type', 'f.data'])
    .where('d.id', '=', id);
  if (publishedOnly) q = q.where('d.published_at', 'is not', null);
  const f = await q.executeTakeFirst();
  if (!f) throw notFound('forms.not_found', 'Nie znaleziono formularza.', 'No such form.');
  return { name: f.name, contentType: f.content_type, bytes: asBuffer(f.data) };
}

/** Content-Disposition for a file name with Polish letters (RFC 6266: an ASCII fallback and the UTF-8 name). */
export function attachment(name: string): string {
  const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
