/** Shapes of the notices, forms and terms answers the pages read (docs: /api/docs). */
export interface AreaRow {
  locality: string;
  street: string | null;
  fromNumber: number | null;
  toNumber: number | null;
}

export interface NoticeItem {
  id: number;
  kind: 'outage' | 'planned_interruption' | 'works' | 'info';
  title: string;
  body: string;
  startsAt: string;
  endsAt: string | null;
  publishedAt: string | null;
  areas: AreaRow[];
  areaText: string[];
}

export interface PortalNotice extends NoticeItem {
  mine: boolean;
  addresses: string[];
}

export interface StaffNoticeItem extends NoticeItem {
  status: 'draft' | 'planned' | 'current' | 'ended';
  emailedCount: number | null;
  noEmailCount: number | null;
}

export interface Affected {
  servicePoints: number;
  customers: number;
  customersWithoutEmail: number;
  truncated: boolean;
  items: Array<{ servicePointId: number; code: string; address: string; customers: Array<{ id: number; customerNumber: string; name: string; email: string | null }> }>;
}

export interface FormItem {
  id: number;
  category: string;
  title: string;
  description: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  publishedAt: string | null;
}

export const FORM_CATEGORIES = ['contracts', 'billing', 'meters', 'complaints', 'other'] as const;

/** "PDF, 12 kB": the kind from the content type, the size rounded up to whole kB. */
export function fileLabel(f: FormItem): string {
  const kind = f.contentType.includes('pdf') ? 'PDF' : f.contentType.includes('opendocument') ? 'ODT' : 'DOCX';
  const kb = Math.max(1, Math.ceil(f.sizeBytes / 1024));
  return `${kind}, ${kb.toLocaleString('pl-PL')} kB`;
}
