/**
 * Reads the text of a PDF the application produced (activation letters),
 * in JavaScript: unpdf's bundled PDF.js, so the tests need no poppler-utils
 * (pdftotext) or any other program outside npm.
 */
import { extractText, getDocumentProxy } from 'unpdf';

/** The text of every page, joined by newlines; each text run ends a line where PDF.js sees one end. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  // PDF.js takes ownership of (and detaches) the buffer it is given: pass a copy.
  const document = await getDocumentProxy(new Uint8Array(pdf));
  try {
    const { text } = await extractText(document, { mergePages: true });
    return text;
  } finally {
    await document.destroy();
  }
}
