import { download, type RequestOptions } from '../../lib/api';

/** Fetches a file through the session and hands it to the browser as a download. */
export async function saveDownload(path: string, filename: string, query?: RequestOptions['query']): Promise<void> {
  const blob = await download(path, query);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL is revoked.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
