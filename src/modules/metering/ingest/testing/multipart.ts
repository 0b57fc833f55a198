/** Test support: a multipart/form-data body with one file (or several, each as a `file` part), for app.inject. */
import { randomBytes } from 'node:crypto';

export function multipartFiles(files: { filename: string; content: Buffer | string }[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----wodnik${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    ...files.flatMap(({ filename, content }) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      typeof content === 'string' ? Buffer.from(content) : content,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function multipartFile(filename: string, content: Buffer | string): { body: Buffer; headers: Record<string, string> } {
  return multipartFiles([{ filename, content }]);
}
