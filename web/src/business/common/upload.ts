import { ApiError } from '../../lib/api';
import { csrfHeader } from './auth';

/** Sends a file as the raw request body (text/csv or XLSX), the way the import endpoints expect it. */
export async function uploadFile<T>(path: string, file: File): Promise<T> {
  const isXlsx = /\.xlsx$/i.test(file.name);
  const type = isXlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': type, accept: 'application/json', ...csrfHeader() }, body: isXlsx ? file : await file.text() });
  } catch {
    throw new ApiError(0, 'network_error', 'Network error');
  }
  const json = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: unknown } };
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? `http_${res.status}`, json.error?.message ?? res.statusText, json.error?.details);
  return json as T;
}
